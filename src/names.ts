// GitHub compares the names it manages (environments, hooks, organizations, repositories) case-insensitively:
// every map keyed by such a name keys it with lower(), so two spellings of one name find the same entry.

export function lower(name: string): string {
  return name.toLowerCase();
}
