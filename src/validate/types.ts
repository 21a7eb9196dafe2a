import type { Document, LineCounter } from 'yaml';

/** What `validate` reports: one finding per defect, each with where it is and how to fix it. */
export type Check = 'yaml' | 'api-version' | 'kustomize' | 'schema' | 'graph' | 'secrets' | 'deploy';

export interface Finding {
  severity: 'error' | 'warning';
  check: Check;
  /** Repository-relative path, '/'-separated. */
  file: string;
  /** 1-based line in `file`, where there is one. */
  line?: number;
  /** The Kubernetes object, as `Kind/name` or `Kind/namespace/name`. */
  object?: string;
  message: string;
  hint: string;
}

export interface ValidationReport {
  /** No errors (warnings allowed). */
  ok: boolean;
  findings: Finding[];
  stats: {
    /** YAML files parsed. */
    files: number;
    /** Distinct objects schema-checked (built or loose). */
    objects: number;
    /** kustomize builds run. */
    builds: number;
    /** kubectl processes those builds took (builds made together share one: build-batches.ts). */
    kubectlRuns?: number;
    /** kustomize builds whose outcome came from the cache (same inputs built before). */
    cachedBuilds?: number;
    /** Clusters whose checks passed before on the same inputs and were not run again. */
    reusedClusters?: number;
    /** Outermost kustomization folders whose checks passed before on the same inputs. */
    reusedFolders?: number;
  };
}

/** A plain Kubernetes-style object as parsed from YAML. */
export type KubeObject = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: unknown };

/** An object and where it was written: the source file (and line) a finding should point at. */
export interface LocatedObject {
  readonly object: KubeObject;
  readonly file: string;
  readonly line?: number;
  /** The document it was written in, when known: findings point at the line of the field. */
  readonly source?: SourceDoc;
}

/** One YAML document of a repository file, parsed, with what is needed to point at its lines. */
export interface SourceDoc {
  readonly file: string;
  /** 0-based position among the file's documents. */
  readonly index: number;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain data; undefined for an empty document. */
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
}
