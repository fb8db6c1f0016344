#!/usr/bin/env node
// Each package's entries (package.json "exports") export only what its README documents: every
// exported name must appear in the README's code (inline `code` or a fenced block). Reads the
// sources, so it needs no build.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;

/** Names exported by the entry file `file` (named re-exports and local exports). */
function exportedNames(file) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const names = [];
  const isExported = (node) => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of src.statements) {
    if (ts.isExportDeclaration(st)) {
      if (st.exportClause === undefined || !ts.isNamedExports(st.exportClause)) {
        throw new Error(`${file}: \`export *\` hides what is exported; name the exports`);
      }
      for (const el of st.exportClause.elements) names.push(el.name.text);
    } else if (isExported(st)) {
      if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) names.push(d.name.getText(src));
      } else if (st.name !== undefined) names.push(st.name.text);
    }
  }
  return names;
}

/** Every identifier-like word inside the README's fenced blocks and inline code (which may wrap). */
function documentedWords(readme) {
  const words = new Set();
  const code = [...readme.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`]+)`/g)].map((m) => m[1] ?? m[2]);
  for (const c of code) for (const w of c.match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(w);
  return words;
}

const problems = [];
let checked = 0;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (pkg.exports === undefined) continue;
    const words = documentedWords(readFileSync(join(dir, 'README.md'), 'utf8'));
    for (const [sub, target] of Object.entries(pkg.exports)) {
      const file = target['@tsprom/source'];
      if (file === undefined) throw new Error(`${pkg.name} "${sub}": no @tsprom/source condition`);
      for (const n of exportedNames(join(dir, file))) {
        checked++;
        if (!words.has(n))
          problems.push(`${pkg.name}${sub === '.' ? '' : sub.slice(1)}: \`${n}\` is exported but not in README.md`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`exports must be documented in the package's README:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-exports-documented: ${checked} exported names, each in its package's README`);
