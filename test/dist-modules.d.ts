// Untyped JavaScript the tests import from bin/ and from the esbuild bundle.
declare module '*/bin/commands-fingerprint.js' {
  export function commandsFingerprint(root: string): string;
}
declare module '*/dist/bundle/main.js' {
  export const FINGERPRINT: string;
  export const COMMANDS: Record<string, unknown>;
}
