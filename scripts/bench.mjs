// npm run bench: rlab's own benchmark on every backend, then — where the PyTorch peer is installed —
// the charlstm workload side by side with PyTorch (alternating runs, since two cores are easily
// disturbed), printing the ratio. --peers all also runs the TF.js (wasm) and brain.js peers from
// ../shared/peers (installed with npm ci into a temporary copy).
// Also the host's event-loop delay while training (scripts/bench-host.mjs).
// Usage: node scripts/bench.mjs [--quick] [--no-peers] [--peers all] [--peers-only] [--hidden 128,512]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
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

if (!args.includes('--peers-only')) {
  console.log('== rlab bench (every available backend)');
  const all = rlab(['--hidden', hiddens.join(','), ...(quick ? ['--quick'] : [])]);
  for (const m of all) console.log(JSON.stringify(m));
  console.log('\n== the extension host\'s event loop while its training thread runs');
  const host = spawnSync(process.execPath, [join(root, 'scripts/bench-host.mjs'), '--seconds', quick ? '5' : '30'], { encoding: 'utf8' });
  if (host.status !== 0) throw new Error(`bench-host failed: ${host.stderr}`);
  console.log(host.stdout.trim());
}

// The PyTorch peer from ../shared/peers (same workload definition), when Debian's python3-torch is here.
const peers = resolve(root, '../shared/peers');
const python = '/usr/bin/python3';
const haveTorch = !args.includes('--no-peers') && existsSync(join(peers, 'pytorch/charlstm_torch.py')) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!haveTorch) console.log('\n(PyTorch peer not run: needs ../shared/peers and `apt-get install -y python3-torch python3-numpy libopenblas0-pthread`)');
const peersAll = args.includes('--peers') && args[args.indexOf('--peers') + 1] === 'all';
// A scratch copy of the peers, only when one runs; removed at the end.
const work = (haveTorch || peersAll) && existsSync(peers) ? mkdtempSync(join(tmpdir(), 'rlab-peers-')) : null;
if (work) cpSync(join(peers, 'data'), join(work, 'data'), { recursive: true });
if (work && !existsSync(join(work, 'data/corpus.txt'))) execFileSync(python, ['make_corpus.py'], { cwd: join(work, 'data'), stdio: 'ignore' });
const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const blas = existsSync(join(openblas, 'libblas.so.3')) ? 'openblas' : 'reference';
if (haveTorch) cpSync(join(peers, 'pytorch'), join(work, 'pytorch'), { recursive: true });

function torch(H) {
  const env = { ...process.env, STEPS: quick ? '5' : '20', REPS: quick ? '1' : '3' };
  if (blas === 'openblas') Object.assign(env, { LD_LIBRARY_PATH: openblas, OPENBLAS_NUM_THREADS: '2' });
  const r = spawnSync(python, ['charlstm_torch.py', String(H), '2'], { cwd: join(work, 'pytorch'), env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`PyTorch peer failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (haveTorch) console.log(`\n== side by side with PyTorch ${blas === 'openblas' ? '(OpenBLAS, 2 threads)' : '(reference BLAS: install libopenblas0-pthread for the fast one)'}, alternating runs`);
const rounds = quick ? 1 : 3;
for (const H of haveTorch ? hiddens : []) {
  const ours = [];
  const theirs = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(rlab(['--backends', 'cpu', '--hidden', String(H), ...(quick ? ['--quick'] : [])]).find((m) => m.hidden === H && m.charsPerSec).charsPerSec);
    theirs.push(torch(H).train_chars_per_s);
  }
  const line = { workload: 'charlstm', hidden: H, rlabCpuCharsPerSec: Math.round(median(ours)), pytorchCharsPerSec: Math.round(median(theirs)), ratio: +(median(ours) / median(theirs)).toFixed(2), rlabRuns: ours.map(Math.round), pytorchRuns: theirs.map(Math.round), blas };
  console.log(JSON.stringify(line));
}

if (peersAll && work) {
  for (const d of ['tfjs', 'brainjs-stable', 'brainjs-common']) cpSync(join(peers, d), join(work, d), { recursive: true, verbatimSymlinks: true });
  for (const d of ['tfjs', 'brainjs-stable']) execFileSync('npm', ['ci', '--silent', '--no-audit', '--no-fund'], { cwd: join(work, d), stdio: 'ignore' });
  const peer = (dir, cmd, env = {}) => {
    const r = spawnSync(process.execPath, cmd, { cwd: join(work, dir), env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = (r.stdout || '').trim().split('\n').pop();
    if (r.status !== 0 || !line) throw new Error(`${dir} peer failed: ${(r.stderr || '').trim().split('\n').pop()}`);
    return JSON.parse(line).train_chars_per_s;
  };
  console.log('\n== side by side with TF.js 4.22 (wasm backend) and brain.js 1.6.1');
  for (const H of hiddens) {
    const big = H >= 512;
    const ours = rlab(['--backends', 'cpu', '--hidden', String(H), ...(quick ? ['--quick'] : [])]).find((m) => m.hidden === H && m.charsPerSec).charsPerSec;
    const tfjs = peer('tfjs', ['charlstm_tfjs.js', 'wasm', String(H), '2'], { STEPS: big || quick ? '5' : '20', REPS: big || quick ? '1' : '3' });
    // The peer folder's charlstm_brain.js names the shared script; run that one from the install folder.
    const brain = peer('brainjs-stable', ['../brainjs-common/charlstm_brain.js', String(H), big || quick ? '5' : '20', big || quick ? '1' : '3']);
    console.log(JSON.stringify({ workload: 'charlstm', hidden: H, rlabCpuCharsPerSec: Math.round(ours), tfjsWasmCharsPerSec: Math.round(tfjs), brainjsCharsPerSec: Math.round(brain), ratioTfjs: +(ours / tfjs).toFixed(1), ratioBrainjs: +(ours / brain).toFixed(1) }));
  }
}

if (work) rmSync(work, { recursive: true, force: true });
