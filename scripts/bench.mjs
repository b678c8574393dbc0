// npm run bench: rlab's own benchmark on every backend, then — where the PyTorch peer is installed —
// the charlstm workload side by side with PyTorch (alternating runs, since two cores are easily
// disturbed), printing the ratio. Usage: node scripts/bench.mjs [--quick] [--no-peers] [--hidden 128,512]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const hiddenArg = args.indexOf('--hidden');
const hiddens = hiddenArg >= 0 ? args[hiddenArg + 1].split(',').map(Number) : [128, 512];
const cli = join(root, 'dist/cli.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rlab(extra) {
  const r = spawnSync(process.execPath, [cli, 'bench', '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`rlab bench failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

console.log('== rlab bench (every available backend)');
const all = rlab(['--hidden', hiddens.join(','), ...(quick ? ['--quick'] : [])]);
for (const m of all) console.log(JSON.stringify(m));

// The PyTorch peer from ../shared/peers (same workload definition), when Debian's python3-torch is here.
const peers = resolve(root, '../shared/peers');
const python = '/usr/bin/python3';
const haveTorch = !args.includes('--no-peers') && existsSync(join(peers, 'pytorch/charlstm_torch.py')) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!haveTorch) {
  console.log('\n(PyTorch peer not run: needs ../shared/peers and `apt-get install -y python3-torch python3-numpy libopenblas0-pthread`)');
  process.exit(0);
}
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const blas = existsSync(join(openblas, 'libblas.so.3')) ? 'openblas' : 'reference';
const work = mkdtempSync(join(tmpdir(), 'rlab-peers-'));
cpSync(join(peers, 'pytorch'), join(work, 'pytorch'), { recursive: true });
cpSync(join(peers, 'data'), join(work, 'data'), { recursive: true });
if (!existsSync(join(work, 'data/corpus.txt'))) execFileSync(python, ['make_corpus.py'], { cwd: join(work, 'data'), stdio: 'ignore' });

function torch(H) {
  const env = { ...process.env, STEPS: quick ? '5' : '20', REPS: quick ? '1' : '3' };
  if (blas === 'openblas') Object.assign(env, { LD_LIBRARY_PATH: openblas, OPENBLAS_NUM_THREADS: '2' });
  const r = spawnSync(python, ['charlstm_torch.py', String(H), '2'], { cwd: join(work, 'pytorch'), env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`PyTorch peer failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

console.log(`\n== side by side with PyTorch ${blas === 'openblas' ? '(OpenBLAS, 2 threads)' : '(reference BLAS: install libopenblas0-pthread for the fast one)'}, alternating runs`);
const rounds = quick ? 1 : 3;
for (const H of hiddens) {
  const ours = [];
  const theirs = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(rlab(['--backends', 'cpu', '--hidden', String(H), ...(quick ? ['--quick'] : [])]).find((m) => m.hidden === H && m.charsPerSec).charsPerSec);
    theirs.push(torch(H).train_chars_per_s);
  }
  const line = { workload: 'charlstm', hidden: H, rlabCpuCharsPerSec: Math.round(median(ours)), pytorchCharsPerSec: Math.round(median(theirs)), ratio: +(median(ours) / median(theirs)).toFixed(2), rlabRuns: ours.map(Math.round), pytorchRuns: theirs.map(Math.round), blas };
  console.log(JSON.stringify(line));
}
