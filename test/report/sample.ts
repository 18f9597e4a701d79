// A plan with one of every operation, warnings, a blast radius, a secret and unmanaged objects, for the renderers.
import { createPlan } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/types.js';
import { desiredState, observedState } from '../plan/state.js';

export const SECRET_VALUE = 'hunter2-do-not-print';

export function samplePlan(): Plan {
  const R = 'org/hooks';
  return createPlan(
    desiredState({
      prune: { environments: false, hooks: true, webhooks: true },
      environments: [
        { name: 'ruby', image_url: 'https://example.com/ruby.tar.gz' },
        { name: 'node-20', previous_names: ['node'], image_url: 'https://example.com/node.tar.gz' },
      ],
      hooks: [
        { name: 'commits', script: 'commits.sh', script_repository: R, environment: 'ruby', enforcement: 'enabled' },
        { name: 'size', script: 'size.sh', script_repository: R, enforcement: 'testing' },
      ],
      webhooks: [
        { url: 'https://audit.example.com/hook', secret: SECRET_VALUE, insecure_ssl: true },
        { url: 'https://other.example.com/x', secret: '', events: ['repository'] },
      ],
    }),
    observedState({
      environments: [
        { id: 2, name: 'node', image_url: 'https://example.com/node.tar.gz' },
        { id: 3, name: 'legacy', image_url: 'https://example.com/legacy.tar.gz' },
      ],
      hooks: [
        { id: 10, name: 'size', script: 'size.sh', script_repository: R },
        { id: 11, name: 'old', script: 'old.sh', script_repository: R, enforcement: 'enabled' },
      ],
      webhooks: [
        { id: 100, url: 'https://other.example.com/x', has_secret: true, events: ['repository'] },
        { id: 101, url: 'https://gone.example.com' },
      ],
    }),
    { syncSecrets: false },
  );
}
