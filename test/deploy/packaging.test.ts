// The image, the Kubernetes manifests and the systemd unit, checked without a Docker daemon or a cluster: what
// they run is the bundle's real command line, and the security settings the issue asks for are all there.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { COMMANDS } from '../../src/cli/args.js';
import { CLI, ROOT } from '../helpers/cli.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifests are read field by field

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Dockerfile instructions as [INSTRUCTION, arguments], continuation lines joined, comments dropped. */
function dockerfile(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return [instruction.toUpperCase(), rest.join(' ')];
    });
}

function manifests(file: string): Obj[] {
  return parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as Obj;
  });
}

const temp: string[] = [];
afterAll(() => temp.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('Dockerfile', () => {
  const instructions = dockerfile(read('Dockerfile'));
  const all = (name: string) => instructions.filter(([i]) => i === name).map(([, args]) => args);

  it('is a Node 24 image that copies dist/ only, runs as a non-root user, `node /app/dist/cli.js serve`', () => {
    expect(all('FROM')).toEqual([expect.stringMatching(/^node:24-alpine$/)]);
    expect(all('RUN')).toEqual([]);
    expect(all('COPY').map((args) => args.replace(/--chown=\S+\s*/, ''))).toEqual(['dist/ /app/dist/']);
    const [user] = all('USER');
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(JSON.parse(all('ENTRYPOINT')[0]!)).toEqual(['node', '/app/dist/cli.js']);
    expect(JSON.parse(all('CMD')[0]!)).toEqual(['serve']);
    expect(
      read('.dockerignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['*', '!dist/']);
  });

  it('runs from a copy of dist/ alone, without node_modules, as the image has it', () => {
    const app = mkdtempSync(join(tmpdir(), 'ghes-gitops-image-'));
    temp.push(app);
    cpSync(join(CLI, '..'), join(app, 'dist'), { recursive: true });
    const [node, script] = JSON.parse(dockerfile(read('Dockerfile')).find(([i]) => i === 'ENTRYPOINT')![1]) as string[];
    expect(node).toBe('node');
    const cmd = JSON.parse(dockerfile(read('Dockerfile')).find(([i]) => i === 'CMD')![1]) as string[];
    // What `docker run IMAGE --help` would run: the entry point, the default command, and the flag.
    const run = spawnSync(process.execPath, [join(app, script!.replace(/^\/app\//, '')), ...cmd, '--help'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/serve/);
    expect(run.stdout).toContain('--listen');
    expect(existsSync(join(app, 'node_modules'))).toBe(false);
  });
});

/** The `--flag`s of a command line, without their values. */
function flagsOf(args: readonly string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
}

const SERVE_FLAGS = Object.keys(COMMANDS.serve.flags);

describe('Kubernetes manifests', () => {
  const deployments = ['deployment.yaml', 'deployment-git-sync.yaml'];

  it.each(deployments)('%s: one replica, Recreate, non-root, read-only, no capabilities, probes', (file) => {
    const [deployment] = manifests(file);
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    const spec = deployment!.spec as Obj;
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    const pod = spec.template.spec as Obj;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    const emptyDirs = new Set((pod.volumes as Obj[]).filter((v) => v.emptyDir).map((v) => v.name as string));
    for (const container of pod.containers as Obj[]) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = (container.volumeMounts as Obj[]).find((m) => m.mountPath === '/tmp');
      expect(emptyDirs.has(tmp?.name as string)).toBe(true);
      expect(container.resources.limits.memory).toBeDefined();
    }
    const daemon = (pod.containers as Obj[]).find((c) => c.name === 'ghes-gitops')!;
    expect(daemon.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(daemon.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const [port] = daemon.ports as Obj[];
    expect(port).toEqual({ name: 'http', containerPort: 9090 });
    expect(daemon.args[0]).toBe('serve');
    // Flags of the real command line, each given once.
    const flags = flagsOf(daemon.args as string[]);
    expect(flags.filter((f) => !SERVE_FLAGS.includes(f))).toEqual([]);
    expect(new Set(flags).size).toBe(flags.length);
    // Probes reach the pod's address, not its loopback.
    expect(daemon.args).toContain(`--listen=0.0.0.0:${port!.containerPort}`);
    // The kubelet waits longer than the daemon's default --shutdown-timeout (30 s) before it kills it.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30);
    // Every secret the pod reads is in the example Secret.
    const [secret] = manifests('secret.example.yaml');
    const refs = (pod.containers as Obj[]).flatMap((c) =>
      ((c.env ?? []) as Obj[]).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef as Obj] : [])),
    );
    for (const ref of refs) {
      expect(ref.name).toBe(secret!.metadata.name);
      expect(Object.keys(secret!.stringData as Obj)).toContain(ref.key);
    }
  });

  it('the git-sync variant shares a checkout the daemon reads with --config', () => {
    const pod = manifests('deployment-git-sync.yaml')[0]!.spec.template.spec as Obj;
    const [daemon, sync] = pod.containers as Obj[];
    expect(sync!.image).toMatch(/^registry\.k8s\.io\/git-sync\/git-sync:v4\./);
    const link = (sync!.args as string[]).find((a) => a.startsWith('--link='))!.slice('--link='.length);
    const root = (sync!.args as string[]).find((a) => a.startsWith('--root='))!.slice('--root='.length);
    const config = (daemon!.args as string[]).find((a) => a.startsWith('--config='))!.slice('--config='.length);
    expect(config.startsWith(`${root}/${link}/`)).toBe(true);
    const mounts = (c: Obj) => (c.volumeMounts as Obj[]).find((m) => m.mountPath === root);
    expect(mounts(daemon!)).toMatchObject({ name: 'git', readOnly: true });
    expect(mounts(sync!)).toMatchObject({ name: 'git' });
  });

  it('the Service reaches the pod by its labels and named port; kustomize lists files that exist', () => {
    const [service] = manifests('service.yaml');
    const [deployment] = manifests('deployment.yaml');
    expect(deployment!.spec.template.metadata.labels).toMatchObject(service!.spec.selector as Obj);
    expect(service!.spec.ports).toEqual([{ name: 'http', port: 9090, targetPort: 'http' }]);
    const [kustomization] = manifests('kustomization.yaml');
    for (const file of kustomization!.resources as string[]) {
      expect(existsSync(join(ROOT, 'deploy/kubernetes', file))).toBe(true);
    }
  });
});

describe('systemd unit', () => {
  const unit = read('deploy/systemd/ghes-gitops.service');
  const settings = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
  }
  const one = (key: string) => settings.get(key)?.[0];

  it('runs the bundle as a dedicated user from an environment file, restarts on failure', () => {
    expect(one('User')).toBe('ghes-gitops');
    expect(one('EnvironmentFile')).toMatch(/^-?\/etc\/ghes-gitops\//);
    expect(one('Restart')).toBe('on-failure');
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/node \/opt\/ghes-gitops\/dist\/cli\.js serve( |$)/);
    expect(flagsOf(one('ExecStart')!.split(/\s+/)).filter((f) => !SERVE_FLAGS.includes(f))).toEqual([]);
  });

  it('is installed from all of dist/, which cli.js imports its chunks from, as in its header', () => {
    const install = unit.split('\n').filter((line) => /^#\s+.*\bdist\b/.test(line));
    expect(install).toEqual([expect.stringMatching(/\bcp -R dist \/opt\/ghes-gitops\/(\s|$)/)]);
    expect(one('ExecStart')).toContain('/opt/ghes-gitops/dist/cli.js');
  });

  it('is hardened in ways V8 tolerates', () => {
    for (const [key, value] of [
      ['NoNewPrivileges', 'true'],
      ['ProtectSystem', 'strict'],
      ['PrivateTmp', 'true'],
      ['CapabilityBoundingSet', ''],
    ]) {
      expect(one(key!)).toBe(value);
    }
    // V8's JIT needs writable and executable memory: this option makes Node crash.
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });
});
