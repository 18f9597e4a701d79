// The first step of loading: turn the path the user gave (a file, or a directory of *.yml/*.yaml files)
// into file texts, refusing anything that is missing, not a regular file or too large before reading it.
import { lstat, open, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import { error, startOfFile } from './source.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const CONFIG_EXTENSION = /\.ya?ml$/i;

export interface ConfigText {
  path: string;
  text: string;
}

interface ListedFile {
  path: string;
  size: number;
}

export interface ReadResult {
  texts: ConfigText[];
  diagnostics: Diagnostic[];
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ?? 'cannot be read';
  }
}

async function readConfigFile(path: string, size: number): Promise<ConfigText | Diagnostic> {
  if (size > MAX_FILE_BYTES) {
    return error(
      `the file is ${size} bytes; a config file may be at most ${MAX_FILE_BYTES / (1024 * 1024)} MB`,
      startOfFile(path),
      'a desired state this large is not a config; split it into a directory of files',
    );
  }
  try {
    const handle = await open(path, 'r');
    try {
      // Stat the open handle too: the file may have been swapped or grown since it was listed.
      const { size: openedSize } = await handle.stat();
      if (openedSize > MAX_FILE_BYTES) return await readConfigFile(path, openedSize);
      return { path, text: await handle.readFile('utf8') };
    } finally {
      await handle.close();
    }
  } catch (err) {
    return error(`cannot read ${path}: ${describeFsError(err)}`);
  }
}

const UNREADABLE_ENTRY_HINT =
  'every *.yml/*.yaml file in a config directory is part of the desired state: fix this entry, or remove or ' +
  'rename it; skipping it would make whatever it declares look deleted';

interface Listing {
  files: ListedFile[];
  /** Entries with a config name that cannot be read as a file: each one is an error, never skipped. */
  problems: Diagnostic[];
}

async function listDirectory(dir: string): Promise<Listing | Diagnostic> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    return error(`cannot read directory ${dir}: ${describeFsError(err)}`);
  }
  // Dotfiles are editor and tool droppings, never part of the desired state.
  const candidates = names.filter((name) => CONFIG_EXTENSION.test(name) && !name.startsWith('.')).sort();
  const files: ListedFile[] = [];
  const problems: Diagnostic[] = [];
  for (const name of candidates) {
    const path = join(dir, name);
    let info: Stats;
    try {
      info = await stat(path);
    } catch (err) {
      const dangling = (err as NodeJS.ErrnoException).code === 'ENOENT' && (await isSymbolicLink(path));
      const why = dangling ? 'a symbolic link to something that does not exist' : describeFsError(err);
      problems.push(error(`cannot read ${path}: ${why}`, undefined, UNREADABLE_ENTRY_HINT));
      continue;
    }
    if (info.isFile()) files.push({ path, size: info.size });
    else {
      const what = info.isDirectory() ? 'a directory' : 'not a regular file';
      problems.push(error(`${path} is ${what}, not a config file`, undefined, UNREADABLE_ENTRY_HINT));
    }
  }
  return { files, problems };
}

async function isSymbolicLink(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined))?.isSymbolicLink() === true;
}

/** Every config file under `path`, in the order they are merged. Diagnostics when there is nothing usable. */
export async function readConfigFiles(path: string, defaultPath: string): Promise<ReadResult> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    const hint =
      path === defaultPath
        ? `${defaultPath} in the current directory is the default; pass the path of your config file or directory`
        : undefined;
    return { texts: [], diagnostics: [error(`cannot read ${path}: ${describeFsError(err)}`, undefined, hint)] };
  }

  let files: ListedFile[];
  const diagnostics: Diagnostic[] = [];
  if (info.isDirectory()) {
    const listed = await listDirectory(path);
    if (!('files' in listed)) return { texts: [], diagnostics: [listed] };
    diagnostics.push(...listed.problems);
    if (listed.files.length === 0 && listed.problems.length === 0) {
      return {
        texts: [],
        diagnostics: [
          error(
            `the directory ${path} holds no .yml or .yaml files`,
            undefined,
            'files are not searched for in subdirectories',
          ),
        ],
      };
    }
    files = listed.files;
  } else if (info.isFile()) {
    files = [{ path, size: info.size }];
  } else {
    // Opening a FIFO or a device would block or never end; refuse it from its stat alone.
    return { texts: [], diagnostics: [error(`${path} is not a regular file or a directory`)] };
  }

  const texts: ConfigText[] = [];
  for (const file of files) {
    const read = await readConfigFile(file.path, file.size);
    if ('text' in read) texts.push(read);
    else diagnostics.push(read);
  }
  return { texts, diagnostics };
}
