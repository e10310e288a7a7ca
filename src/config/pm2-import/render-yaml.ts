// The translated apps as a pm config: YAML with a header (where it came from, how to check it, what
// was left out) and a comment above each key whose value needs a word of explanation.
import { Document, isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import type { AppDraft } from './app-draft.js';

export interface RenderOptions {
  apps: AppDraft[];
  warnings: string[];
  /** The ecosystem file, as shown in the header. */
  source: string;
  /** The pm file's name, for the commands in the header (`pm.yaml` when printed). */
  output: string;
  now: Date;
  /** A JS file computed its values when it was loaded, with the environment of this import. */
  computed: boolean;
}

/** yaml prints each comment line after a `#`: a leading space gives `# text`. */
const commentLines = (lines: string[]): string =>
  lines.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');

function header(options: RenderOptions): string {
  const lines = [
    `Imported from the PM2 file ${options.source} by \`pm import pm2\` on ${options.now.toISOString()}.`,
    `Check it with \`pm validate ${options.output}\`, then run it with \`pm start ${options.output}\` (docs/config.md).`,
    'Paths are relative to the directory of this file; PM2 resolved them from the directory of its file.',
  ];
  if (options.computed) {
    lines.push(
      'Values the JS file computed (CPU counts, process.env) are as they were when it was imported.',
    );
  }
  if (options.warnings.length > 0) {
    lines.push('', 'PM2 options with no equivalent in pm, left out (and what to do instead):');
    lines.push(...options.warnings.map((warning) => `  ${warning}`));
  }
  return commentLines(lines);
}

function pairAt(app: YAMLMap, keyPath: string): Pair | undefined {
  const keys = keyPath.split('.');
  let map: unknown = app;
  for (const key of keys.slice(0, -1)) map = isMap(map) ? map.get(key, true) : undefined;
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === keys.at(-1));
}

export function renderConfig(options: RenderOptions): string {
  const doc = new Document({ apps: options.apps.map((app) => app.entry) });
  doc.commentBefore = header(options);
  options.apps.forEach((app, index) => {
    const node = doc.getIn(['apps', index], true) as YAMLMap;
    for (const [keyPath, note] of app.notes) {
      const key = pairAt(node, keyPath)?.key;
      if (isScalar(key)) key.commentBefore = commentLines(note.split('\n'));
    }
  });
  return doc.toString({ lineWidth: 0 });
}
