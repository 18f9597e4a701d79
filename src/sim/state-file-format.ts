// What a simulator state file looks like, for `simulate --help` and the README: apart from the simulator itself,
// so that the CLI's help text does not pull the simulator's stores into the code every command loads.

/** For `--help` and the README: what a state file looks like. */
export const STATE_FILE_FORMAT = `A simulator state file is JSON. Every key is optional; ids default to the next free one,
timestamps to now, and the default environment (id 1, "Default") is added when no entry has
"default_environment": true.

{
  "environments": [
    { "id": 2, "name": "DevTools", "image_url": "https://files.example.com/devtools.tar.gz",
      "download": { "state": "success" } }
  ],
  "hooks": [
    { "id": 1, "name": "check-commits", "script": "hooks/check-commits.sh",
      "script_repository": "platform/hooks", "environment_id": 2,
      "enforcement": "testing", "allow_downstream_configuration": true }
  ],
  "webhooks": [
    { "id": 1, "url": "https://ci.example.com/ghes", "content_type": "json", "insecure_ssl": "0",
      "secret": "s3cret", "events": ["user", "organization"], "active": true }
  ],
  "repositories": [
    { "full_name": "platform/hooks", "default_branch": "main",
      "files": { "hooks/check-commits.sh": { "executable": true } } },
    { "full_name": "acme/monorepo" }
  ],
  "auto_register_repositories": false,
  "organizations": [ { "login": "acme" } ],
  "pre_receive_hook_overrides": [
    { "hook_id": 1, "organization": "acme", "enforcement": "enabled", "allow_downstream_configuration": true },
    { "hook_id": 1, "repository": "acme/monorepo", "enforcement": "disabled" }
  ]
}

download.state is not_started | in_progress | success (default) | failed (with "message").
enforcement is enabled | disabled (default) | testing. content_type is json | form (default form).
"files" may also be a list of paths (all executable). When "repositories" is given, hooks may only use
those repositories unless "auto_register_repositories" is true; without it, any owner/name is accepted.
A repository whose owner is one of "organizations" inherits a hook's enforcement through it; an override
names the organization or the repository (which must be listed) and is in effect only while the levels
above allow downstream configuration.
Webhook secrets are stored in clear: this is a test fixture, not a vault.`;
