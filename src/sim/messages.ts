// Every error message the simulator can send, in one place so tests (ours and the tool's) can match them.
// The first four are documented by GitHub word for word; the rest are UNVERIFIED, in GitHub's Rails style.

export const MESSAGES = {
  defaultEnvironment: 'Cannot modify or delete the default environment',
  environmentHasHooks: 'Cannot delete environment that has hooks',
  environmentDownloading: 'Cannot delete environment when download is in progress',
  // "Can not" (two words) is how GHES spells it.
  downloadInProgress: 'Can not start a new download when a download is in progress',

  // What GitHub answers an installation token (GITHUB_TOKEN, a GitHub App's) on GET /user.
  notAccessibleByIntegration: 'Resource not accessible by integration',

  nameBlank: "Name can't be blank",
  nameTaken: 'Name has already been taken',
  imageUrlBlank: "Image url can't be blank",
  scriptBlank: "Script can't be blank",
  scriptTaken: 'Script has already been taken for this repository',
  repositoryMissing: 'Script repository must exist',
  environmentMissing: 'Environment must exist',
  enforcementInvalid: 'Enforcement is not included in the list',
  allowDownstreamInvalid: 'Allow downstream configuration must be a boolean',

  webhookName: 'Name must be "web" for global webhooks',
  webhookUrlMissing: 'Config must contain URL for webhooks',
  webhookUrlInvalid: 'Config url must be an http or https URL',
  webhookContentType: 'Config content_type must be "json" or "form"',
  webhookInsecureSsl: 'Config insecure_ssl must be "0" or "1"',
  webhookSecret: 'Config secret must be a string',
  webhookEvents: 'Events must be a list of: user, organization, repository, team, member, membership, fork, ping',
  webhookActive: 'Active must be a boolean',

  // Org and repository enforcement overrides (UNVERIFIED wording).
  hookNotConfigurableOrg: 'Pre-receive hook is not configurable at the organization level',
  hookNotConfigurableRepo: 'Pre-receive hook is not configurable at the repository level',

  validationFailed: 'Validation Failed',
  notFound: 'Not Found',
  badCredentials: 'Bad credentials',
  badJson: 'Problems parsing JSON',
  rateLimitDisabled: 'Rate limiting is not enabled.',
  repositoryEmpty: 'Git Repository is empty.',
  secondaryRateLimit:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
    'If you reach out to GitHub Support for help, please include the request ID',
} as const;

export const DOCS = 'https://docs.github.com/enterprise-server@3.19/rest';
export const DOCS_ENVIRONMENTS = `${DOCS}/enterprise-admin/pre-receive-environments`;
export const DOCS_PRE_RECEIVE_HOOKS = `${DOCS}/enterprise-admin/pre-receive-hooks`;
export const DOCS_ORG_PRE_RECEIVE_HOOKS = `${DOCS}/enterprise-admin/org-pre-receive-hooks`;
export const DOCS_REPO_PRE_RECEIVE_HOOKS = `${DOCS}/enterprise-admin/repo-pre-receive-hooks`;
export const DOCS_GLOBAL_WEBHOOKS = `${DOCS}/enterprise-admin/global-webhooks`;
export const DOCS_SECONDARY_RATE_LIMIT = `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`;

/** The `resource` of a 422 error entry. */
export type ErrorResource = 'PreReceiveEnvironment' | 'PreReceiveHook' | 'Hook';
