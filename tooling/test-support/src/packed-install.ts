// Installs workspace packages as a user gets them: each is packed with pnpm (which rewrites
// `workspace:*` to the version it points at, as `pnpm publish` does) and the tarballs are installed
// with npm into a scratch project of their own, outside the workspace, so nothing resolves through
// the workspace's links or the `@tsprom/source` condition.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in tooling/test-support/src). */
export const WORKSPACE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const WORKSPACE_GROUPS = ['packages', 'apps', 'tooling', 'examples'];
const PNPM = ['-y', 'pnpm@12.4.2'];

interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: {
    readonly dependencies?: Record<string, string>;
    readonly peerDependencies?: Record<string, string>;
    readonly exports?: unknown;
  };
}

/** Options of {@link installPackedWorkspacePackages}. */
export interface PackedInstallOptions {
  /** The scratch directory: tarballs go to `<dir>/tarballs`, the project is `<dir>/project`. */
  readonly dir: string;
  /** Other dependencies of the scratch project (registry specs such as `{ express: '^5.1.0' }`). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Fields merged into the scratch project's package.json (default: `type: module`). */
  readonly manifest?: Readonly<Record<string, unknown>>;
}

/** What {@link installPackedWorkspacePackages} made. */
export interface PackedInstall {
  /** The scratch project: `node_modules` holds the packages as a user would have them. */
  readonly project: string;
  /** The tarball of each packed package, by package name. */
  readonly tarballs: ReadonlyMap<string, string>;
}

/** Every package of the workspace, by name. */
export function workspacePackages(root = WORKSPACE_ROOT): Map<string, WorkspacePackage> {
  const found = new Map<string, WorkspacePackage>();
  for (const group of WORKSPACE_GROUPS) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir)) {
      const file = join(groupDir, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as WorkspacePackage['manifest'] & { name: string };
      found.set(manifest.name, { name: manifest.name, dir: join(groupDir, entry), manifest });
    }
  }
  return found;
}

/**
 * `names` and every workspace package they depend on (dependencies and peerDependencies, through
 * any depth), dependencies first. Throws naming a package that is not in the workspace.
 */
export function workspaceClosure(names: readonly string[], all = workspacePackages()): WorkspacePackage[] {
  const order: WorkspacePackage[] = [];
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    if (seen.has(name)) return;
    const pkg = all.get(name);
    if (pkg === undefined) throw new Error(`${name} (wanted by ${from}) is not a package of the workspace`);
    seen.add(name);
    const deps = { ...pkg.manifest.peerDependencies, ...pkg.manifest.dependencies };
    for (const dep of Object.keys(deps)) if (all.has(dep)) visit(dep, name);
    order.push(pkg);
  };
  for (const n of names) visit(n, 'the caller');
  return order;
}

/** Runs `cmd args` in `cwd`; returns stdout, or throws with the command's whole output. */
function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) {
    const how = r.error !== undefined ? r.error.message : `exit ${r.status ?? r.signal}`;
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${how}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** The files an `exports` map points at that do not exist (a package not built yet). */
function missingExportTargets(pkg: WorkspacePackage): string[] {
  const targets = new Set<string>();
  const walk = (v: unknown, condition: string) => {
    if (typeof v === 'string') {
      if (condition !== '@tsprom/source') targets.add(v);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, sub] of Object.entries(v)) walk(sub, k);
    }
  };
  walk(pkg.manifest.exports, '');
  return [...targets].filter((t) => !t.includes('*') && !existsSync(join(pkg.dir, t)));
}

/**
 * Packs `names` and the workspace packages they depend on (each must be built: the test task
 * depends on the build, and a missing `dist` file is named in the error), then installs all the
 * tarballs with npm into `<opts.dir>/project`, a project outside the workspace. Dependencies from
 * the registry come from npm's cache when it has them (`--prefer-offline`).
 */
export function installPackedWorkspacePackages(names: readonly string[], opts: PackedInstallOptions): PackedInstall {
  const packages = workspaceClosure(names);
  const tarballDir = join(opts.dir, 'tarballs');
  const project = join(opts.dir, 'project');
  mkdirSync(tarballDir, { recursive: true });
  mkdirSync(project, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of packages) {
    const missing = missingExportTargets(pkg);
    if (missing.length > 0) {
      throw new Error(`${pkg.name} is not built (missing ${missing.join(', ')}): run \`pnpm build\` first`);
    }
    const out = run('npx', [...PNPM, 'pack', '--json', '--pack-destination', tarballDir], pkg.dir);
    // Lifecycle scripts (prepack) may print before the JSON.
    const packed = JSON.parse(out.slice(out.indexOf('{'))) as { filename: string };
    tarballs.set(pkg.name, packed.filename);
  }
  const dependencies: Record<string, string> = { ...opts.dependencies };
  for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
  // The tarballs name each other by version; `overrides` make npm take them, not the registry.
  const overrides = Object.fromEntries([...tarballs.keys()].map((name) => [name, `$${name}`]));
  const manifest = { name: 'scratch', private: true, type: 'module', ...opts.manifest, dependencies, overrides };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  return { project, tarballs };
}
