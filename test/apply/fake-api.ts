// An in-memory AdminApi for apply tests: records every call, measures requests in flight, and lets a test
// script download states and inject failures (including "it worked but the answer was lost").
import type { AdminApi, HookRequest, ScriptCheck, StartDownloadResult, WebhookRequest } from '../../src/github/api.js';
import type {
  DownloadStatus,
  ObservedEnvironment,
  ObservedHook,
  ObservedState,
  ObservedWebhook,
} from '../../src/github/types.js';
import { GhesApiError, OutcomeUnknownError } from '../../src/github/errors.js';

export interface Call {
  method: keyof AdminApi;
  args: unknown[];
  startedAt: number;
  endedAt?: number;
}

type Fault = { method: keyof AdminApi; times: number; error: () => Error; afterEffect: boolean };

export class FakeAdminApi implements AdminApi {
  environments: ObservedEnvironment[] = [
    {
      id: 1,
      name: 'Default',
      image_url: 'githubenterprise://internal',
      default_environment: true,
      hooks_count: 0,
      download: { state: 'success', message: null, downloaded_at: null },
    },
  ];
  hooks: ObservedHook[] = [];
  webhooks: ObservedWebhook[] = [];
  calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Successive states that getLatestDownload returns per environment id; the last one repeats. */
  downloadScript = new Map<number, DownloadStatus[]>();
  /** Successive answers of startDownload per environment id (the last one repeats); default: started, not_started. */
  startScript = new Map<number, StartDownloadResult[]>();
  #nextId = 100;
  #faults: Fault[] = [];

  constructor(readonly latencyMs = 5) {}

  /** The next `times` calls of `method` fail; with `afterEffect` the change happens first, then the error. */
  fail(method: keyof AdminApi, error: () => Error, options: { times?: number; afterEffect?: boolean } = {}) {
    this.#faults.push({ method, error, times: options.times ?? 1, afterEffect: options.afterEffect ?? false });
  }

  /** A create whose answer is lost: what GHES does on a 502 from a proxy, or a timeout. */
  static unknown(path: string) {
    return () => new OutcomeUnknownError({ method: 'POST', path, apiUrl: 'https://fake' }, '502: Bad Gateway');
  }

  static refused(path: string, message: string) {
    return () =>
      new GhesApiError(
        `POST ${path} failed: 422: ${message}`,
        { method: 'POST', path, apiUrl: 'https://fake' },
        {
          status: 422,
          serverMessage: message,
        },
      );
  }

  callsTo(method: keyof AdminApi): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  async #call<T>(method: keyof AdminApi, args: unknown[], effect: () => T): Promise<T> {
    const call: Call = { method, args, startedAt: Date.now() };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      const fault = this.#faults.find((f) => f.method === method && f.times > 0);
      if (fault) {
        fault.times--;
        if (fault.afterEffect) effect();
        throw fault.error();
      }
      return effect();
    } finally {
      this.inFlight--;
      call.endedAt = Date.now();
    }
  }

  observe(): Promise<ObservedState> {
    return this.#call('observe', [], () => ({
      environments: structuredClone(this.environments),
      hooks: structuredClone(this.hooks),
      webhooks: structuredClone(this.webhooks),
    }));
  }

  createEnvironment(body: { name: string; image_url: string }): Promise<ObservedEnvironment> {
    return this.#call('createEnvironment', [body], () => {
      const env: ObservedEnvironment = {
        id: this.#nextId++,
        ...body,
        default_environment: false,
        hooks_count: 0,
        download: { state: 'not_started', message: null, downloaded_at: null },
      };
      this.environments.push(env);
      return env;
    });
  }

  updateEnvironment(id: number, body: { name?: string; image_url?: string }): Promise<ObservedEnvironment> {
    return this.#call('updateEnvironment', [id, body], () => Object.assign(this.#environment(id), body));
  }

  deleteEnvironment(id: number): Promise<void> {
    return this.#call('deleteEnvironment', [id], () => {
      this.#environment(id);
      this.environments = this.environments.filter((e) => e.id !== id);
    });
  }

  startDownload(id: number): Promise<StartDownloadResult> {
    return this.#call('startDownload', [id], () => {
      this.#environment(id);
      const script = this.startScript.get(id);
      if (script) return script.length > 1 ? script.shift()! : script[0]!;
      return { started: true, status: { state: 'not_started', message: null, downloaded_at: null } };
    });
  }

  getLatestDownload(id: number): Promise<DownloadStatus> {
    return this.#call('getLatestDownload', [id], () => {
      const script = this.downloadScript.get(id) ?? [{ state: 'success', message: null, downloaded_at: null }];
      return script.length > 1 ? script.shift()! : script[0]!;
    });
  }

  createHook(body: HookRequest): Promise<ObservedHook> {
    return this.#call('createHook', [body], () => {
      const env = this.#environment(body.environmentId);
      const hook: ObservedHook = {
        id: this.#nextId++,
        name: body.name,
        script: body.script,
        script_repository: body.script_repository,
        environment: { id: env.id, name: env.name, default_environment: env.default_environment },
        enforcement: body.enforcement,
        allow_downstream_configuration: body.allow_downstream_configuration,
      };
      this.hooks.push(hook);
      return hook;
    });
  }

  updateHook(id: number, body: Partial<HookRequest>): Promise<ObservedHook> {
    return this.#call('updateHook', [id, body], () => {
      const hook = this.hooks.find((h) => h.id === id);
      if (!hook) throw new Error(`no hook ${id}`);
      return hook;
    });
  }

  deleteHook(id: number): Promise<void> {
    return this.#call('deleteHook', [id], () => {
      this.hooks = this.hooks.filter((h) => h.id !== id);
    });
  }

  createWebhook(body: WebhookRequest): Promise<ObservedWebhook> {
    return this.#call('createWebhook', [body], () => {
      const webhook: ObservedWebhook = {
        id: this.#nextId++,
        url: body.url,
        content_type: body.content_type,
        insecure_ssl: body.insecure_ssl,
        events: body.events,
        active: body.active,
        has_secret: body.secret !== undefined,
      };
      this.webhooks.push(webhook);
      return webhook;
    });
  }

  updateWebhook(id: number, body: WebhookRequest): Promise<ObservedWebhook> {
    return this.#call('updateWebhook', [id, body], () => {
      const webhook = this.webhooks.find((w) => w.id === id);
      if (!webhook) throw new Error(`no webhook ${id}`);
      return webhook;
    });
  }

  deleteWebhook(id: number): Promise<void> {
    return this.#call('deleteWebhook', [id], () => {
      this.webhooks = this.webhooks.filter((w) => w.id !== id);
    });
  }

  checkScripts(_repository: string, scripts: string[]): Promise<ScriptCheck[]> {
    return this.#call('checkScripts', [], () => scripts.map(() => ({ repositoryExists: true, scriptExists: true })));
  }

  #environment(id: number): ObservedEnvironment {
    const env = this.environments.find((e) => e.id === id);
    if (!env) throw new Error(`no environment ${id}`);
    return env;
  }
}
