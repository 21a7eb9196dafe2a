import type { RepoFile } from './files.js';
import { isListObject, isMap, kindOf, objectLabel } from './objects.js';
import type { Finding, KubeObject } from './types.js';
import { lineOfPath, lineStarts } from './yaml.js';
import type { SourceDoc } from './types.js';

/** Credentials with a recognisable shape. The match itself is never printed, only where it is. */
const TOKEN_PATTERNS: readonly { name: string; pattern: RegExp; hint: string }[] = [
  {
    name: 'Slack incoming-webhook URL',
    pattern: /hooks\.slack\.com\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]{12,}/g,
    hint: 'revoke the webhook in Slack, remove it from the file and its Git history, and keep it in the cluster only (e.g. `kubectl -n flux-system create secret generic slack-webhook --from-literal=address=…`)',
  },
  { name: 'Slack token', pattern: /\bxox[abpr]-[0-9A-Za-z-]{10,}/g, hint: 'revoke the token in Slack and keep it in a cluster Secret (or a SOPS-encrypted one)' },
  { name: 'GitHub token', pattern: /\b(?:ghp_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})/g, hint: 'revoke the token on GitHub and pass it through the environment (GITHUB_TOKEN) instead' },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g, hint: 'revoke the token on GitLab and pass it through the environment (GITLAB_TOKEN) instead' },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, hint: 'deactivate the key in AWS IAM and use IRSA or a cluster Secret instead' },
  {
    name: 'private key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----|AGE-SECRET-KEY-1[0-9A-Z]{50,}/g,
    hint: 'treat the key as leaked: rotate it, and keep private keys out of the repository (SOPS age keys live in the cluster Secret sops-age)',
  },
];

/** Placeholders in documentation (XXXX…, 0000…) are not secrets. */
const isPlaceholder = (match: string) => /(x{8,}|0{8,}|\.{3}|…)/i.test(match);

/** Check 6a: a credential pattern anywhere in any text file. */
export function scanTextForTokens(file: RepoFile): Finding[] {
  const findings: Finding[] = [];
  let lineOf: ((offset: number) => number) | undefined; // built at the first match: most files have none
  for (const { name, pattern, hint } of TOKEN_PATTERNS) {
    for (const match of file.text.matchAll(pattern)) {
      if (isPlaceholder(match[0])) continue;
      findings.push({ severity: 'error', check: 'secrets', file: file.path, line: (lineOf ??= lineStarts(file.text))(match.index), message: `a ${name} is committed in this file`, hint });
    }
  }
  return findings;
}

/** SOPS leaves a top-level `sops` block in every file it encrypts. */
const isSopsEncrypted = (o: KubeObject) => isMap(o.sops);

/** Check 6b: a Secret with data in plain text, on its own or among the items of a List (kustomize unwraps them). */
export function checkPlainSecret(source: SourceDoc & { value: KubeObject }, object: KubeObject = source.value, at: readonly (string | number)[] = []): Finding[] {
  if (isListObject(object) && !isSopsEncrypted(source.value))
    return object.items.flatMap((item, i) => (isMap(item) ? checkPlainSecret(source, item as KubeObject, [...at, 'items', i]) : []));
  if (kindOf(object) !== 'Secret' || isSopsEncrypted(source.value)) return [];
  const key = (['stringData', 'data'] as const).find((k) => isMap(object[k]) && Object.keys(object[k] as object).length > 0);
  if (!key) return [];
  return [{
    severity: 'error',
    check: 'secrets',
    file: source.file,
    line: lineOfPath(source, [...at, key]),
    object: objectLabel(object),
    message: `Secret has ${key} in plain text (no sops block)`,
    hint: 'remove the Secret from Git and create it in the cluster, or encrypt it with `sops --encrypt --in-place` (age) and set spec.decryption on the Flux Kustomization',
  }];
}

/** Check 6c: kustomize secretGenerator entries write plain Secrets unless their files are SOPS-encrypted. */
export function checkSecretGenerators(source: SourceDoc, readRepoFile: (path: string) => string | undefined, resolve: (entry: string) => string): Finding[] {
  const generators = isMap(source.value) && Array.isArray(source.value.secretGenerator) ? source.value.secretGenerator : [];
  return generators.flatMap((generator, i): Finding[] => {
    if (!isMap(generator)) return [];
    const plain = [
      ...(Array.isArray(generator.literals) && generator.literals.length > 0 ? ['literals'] : []),
      ...[...(Array.isArray(generator.files) ? generator.files : []), ...(Array.isArray(generator.envs) ? generator.envs : [])]
        .filter((entry): entry is string => typeof entry === 'string')
        .map((entry) => entry.slice(entry.indexOf('=') + 1))
        .filter((path) => !/ENC\[AES256_GCM|"sops"|^sops:/m.test(readRepoFile(resolve(path)) ?? 'ENC[AES256_GCM')),
    ];
    return plain.length === 0
      ? []
      : [
          {
            severity: 'error',
            check: 'secrets',
            file: source.file,
            line: lineOfPath(source, ['secretGenerator', i]),
            message: `secretGenerator '${String(generator.name ?? i)}' makes a Secret from plain-text ${plain.join(', ')}`,
            hint: 'encrypt the generator files with SOPS (kustomize-controller decrypts them) or create the Secret in the cluster instead',
          },
        ];
  });
}
