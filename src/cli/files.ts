// The files the CLI writes and reads besides the config (`plan --out`, `export --output`, `apply --plan`): checked
// before anything is sent, and every file-system failure said in one line that names the path and what to do.
import { constants } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

export interface OutputFile {
  /** As the user gave it, for messages. */
  path: string;
  /** The flag that named it, for messages: `--out`. */
  flag: string;
  /** Replace an existing file; without it an existing file is an error. */
  overwrite: boolean;
}

/**
 * Fails now, before any request, if `file` could not be written later: a missing or unwritable folder, a folder in
 * its place, or (without `overwrite`) an existing file.
 */
export async function checkOutputFile(file: OutputFile): Promise<void> {
  const folder = dirname(resolve(file.path));
  const existing = await stat(file.path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UserError(`${file.flag} ${file.path}: that is a directory; give a file name`);
  if (existing && !file.overwrite) {
    throw new UserError(
      `${file.flag} ${file.path}: the file exists; pass --force to replace it, or choose another name`,
    );
  }
  const parent = await stat(folder).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw new UserError(`${file.flag} ${file.path}: the directory ${folder} does not exist; create it first`);
  }
  try {
    await access(existing ? file.path : folder, constants.W_OK);
  } catch {
    throw new UserError(`${file.flag} ${file.path}: no permission to write there; choose another path`);
  }
}

/** Writes `text`; an existing file is replaced only when `overwrite` (checked again here: it may have appeared since). */
export async function writeOutputFile(file: OutputFile, text: string): Promise<void> {
  try {
    await writeFile(file.path, text, { flag: file.overwrite ? 'w' : 'wx' });
  } catch (error) {
    throw new UserError(`${file.flag} ${file.path}: cannot write it: ${describeFsError(error, 'write')}`, {
      cause: error,
    });
  }
}

/** Reads a file the user named with `flag`; a failure names the path and the likely fix. */
export async function readInputFile(path: string, flag: string, fix: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `${flag} ${path}: cannot read it: ${describeFsError(error, 'read')}${code === 'ENOENT' ? `; ${fix}` : ''}`,
      {
        cause: error,
      },
    );
  }
}

/** What an errno means here, in words; the code stays for searching. */
export function describeFsError(error: unknown, verb: 'read' | 'write'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return verb === 'read' ? 'no such file (ENOENT)' : 'its directory does not exist (ENOENT)';
    case 'EACCES':
    case 'EPERM':
      return `no permission to ${verb} it (${code})`;
    case 'EISDIR':
      return 'it is a directory (EISDIR)';
    case 'ENOTDIR':
      return 'a part of the path is not a directory (ENOTDIR)';
    case 'EEXIST':
      return 'the file exists; pass --force to replace it (EEXIST)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
