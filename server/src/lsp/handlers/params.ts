/** The checks a custom request makes of its params: any client may send anything. */

import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { Session } from '../session';

/** The open document `uri` names, else an InvalidParams error that says so. */
export function openDocument(session: Session, uri: unknown): TextDocument {
  const document = typeof uri === 'string' ? session.store.get(uri) : undefined;
  if (!document)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${typeof uri === 'string' ? uri : 'The uri parameter'} is not an open gai.conf document.`,
    );
  return document;
}

/** `value` when it is a string, else an InvalidParams error with `problem`. */
export function stringParam(value: unknown, problem: string): string {
  if (typeof value !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, problem);
  return value;
}
