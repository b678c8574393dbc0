// esbuild bundles .txt imports of the host suite as strings (loader: { '.txt': 'text' } in esbuild.js).
declare module '*.txt' {
  const text: string;
  export default text;
}
