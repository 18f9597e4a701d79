// The first step of loading: turn the path the user gave (a file, or a directory of *.yml/*.yaml files)
// into file texts, refusing anything that is missing, not a regular file or too large before reading it.
import { open, readdir, stat } from 'node:fs/promises';
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

async function listDirectory(dir: string): Promise<ListedFile[] | Diagnostic> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    return error(`cannot read directory ${dir}: ${describeFsError(err)}`);
  }
  // Dotfiles are editor and tool droppings, never part of the desired state.
  const candidates = names.filter((name) => CONFIG_EXTENSION.test(name) && !name.startsWith('.')).sort();
  const files: ListedFile[] = [];
  for (const name of candidates) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) files.push({ path, size: info.size });
  }
  return files;
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
  if (info.isDirectory()) {
    const listed = await listDirectory(path);
    if (!Array.isArray(listed)) return { texts: [], diagnostics: [listed] };
    if (listed.length === 0) {
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
    files = listed;
  } else if (info.isFile()) {
    files = [{ path, size: info.size }];
  } else {
    // Opening a FIFO or a device would block or never end; refuse it from its stat alone.
    return { texts: [], diagnostics: [error(`${path} is not a regular file or a directory`)] };
  }

  const texts: ConfigText[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const read = await readConfigFile(file.path, file.size);
    if ('text' in read) texts.push(read);
    else diagnostics.push(read);
  }
  return { texts, diagnostics };
}
