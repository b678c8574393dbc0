// Browser types for the panel (webview/**). A triple-slash lib reference widens the whole root program, so the
// root type check no longer stops src/core from using DOM globals; a separate webview tsconfig would restore that.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
