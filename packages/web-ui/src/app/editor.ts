// The PromQL editor: CodeMirror 6 with Prometheus's own language support (@prometheus-io/
// codemirror-promql): highlighting, autocompletion of functions, metric names, label names and
// values asked from this server's API through its PrometheusClient, and linting.
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
  completionStatus,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewlineAndIndent } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { pathPrefix } from './api.js';

const highlight = HighlightStyle.define([
  { tag: tags.number, color: '#09885a' },
  { tag: tags.string, color: '#a31515' },
  { tag: tags.keyword, color: '#008080', fontWeight: 'bold' },
  { tag: tags.function(tags.variableName), color: '#008080' },
  { tag: tags.labelName, color: '#800000' },
  { tag: tags.operator },
  { tag: tags.modifier, color: '#008080' },
  { tag: tags.paren },
  { tag: tags.squareBracket },
  { tag: tags.brace },
  { tag: tags.invalid, color: 'red' },
  { tag: tags.comment, color: '#888', fontStyle: 'italic' },
]);

/** One PromQLExtension for every editor: its client caches metric names and labels. */
let promql: PromQLExtension | undefined;
function promqlExtension(): PromQLExtension {
  promql ??= new PromQLExtension().setComplete({
    remote: { url: `${location.origin}${pathPrefix}`, lookbackInterval: 12 * 3_600_000, cache: { maxAge: 300_000 } },
  });
  return promql;
}

/** An editor; `onRun` on Enter (Shift+Enter: a new line). */
export function createEditor(parent: HTMLElement, doc: string, onRun: () => void): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        highlightSpecialChars(),
        history(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ activateOnTyping: true }),
        syntaxHighlighting(highlight),
        placeholder('Enter expression (press Shift+Enter for newlines)'),
        EditorView.lineWrapping,
        // Enter runs the query unless the completion list takes it; Shift+Enter: a new line.
        keymap.of([
          ...closeBracketsKeymap,
          ...completionKeymap,
          { key: 'Shift-Enter', run: insertNewlineAndIndent },
          {
            key: 'Enter',
            run: (view) => {
              // An open completion list takes Enter (after its interaction delay): never a query then.
              if (completionStatus(view.state) === null) onRun();
              return true;
            },
          },
          ...defaultKeymap,
          ...historyKeymap,
          ...lintKeymap,
        ]),
        promqlExtension().asExtension(),
      ],
    }),
  });
}

/** Replaces the editor's text. */
export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
