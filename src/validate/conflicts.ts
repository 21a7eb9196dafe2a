import { CONFLICT_MARKER } from '../upgrade/merge.js';
import type { RepoFile } from './files.js';
import type { Finding } from './types.js';

/** An unresolved merge conflict, named as one rather than as the YAML error it also causes. */
export function checkConflictMarkers(file: RepoFile): Finding[] {
  const match = CONFLICT_MARKER.exec(file.text);
  if (!match) return [];
  return [
    {
      severity: 'error',
      check: 'yaml',
      file: file.path,
      line: file.text.slice(0, match.index).split('\n').length,
      message: 'unresolved merge conflict: the file still has conflict markers',
      hint: 'keep the lines you want between <<<<<<< and >>>>>>>, delete the marker lines, then commit',
    },
  ];
}
