// The file-system call loading rule files needs. `#rules-fs` resolves to rules-fs-node.ts under
// Node and to rules-fs-unavailable.ts elsewhere (package.json `imports`), so that a bundle for a
// browser never reaches a Node built-in.

/** Reads a rule file's text. */
export interface RulesFS {
  readFile(path: string): Promise<string>;
}
