/**
 * The open documents and their analyses: one snapshot per document version, made on first use,
 * and the scheduling that analyses a burst of edits once.
 */

import { TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { Analysis, AnalysisOptions, analyzeGaiConf } from '../analysis/analysis';
import { isEmbeddedSourceLanguage } from '../features/embeddedLanguages';
import { TextLocator } from '../features/positions';
import { collectGarbageReducingMemory, eventLoopActiveMs, eventLoopMark, youngGenerationGrown } from '../system/memory';

export interface Snapshot {
  readonly version: number;
  readonly analysis: Analysis;
  readonly locator: TextLocator;
}

/** How long the server must be quiet after a publication before memory is given back. */
const QUIET_BEFORE_COLLECTING_MS = 40;
/**
 * The time the event loop may have run callbacks in that period for the server to count as quiet:
 * requests answered back to back (a hover takes 0.05 to 0.3 ms) add up to several times more.
 */
const ACTIVE_MS_OF_A_QUIET_SERVER = 1;

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly pending = new Map<string, { cancel(): void }>();

  constructor(private readonly options: (uri: string) => AnalysisOptions) {}

  /**
   * The open gai.conf document at `uri`. A Dockerfile, script, YAML or Nix document is open only
   * for the diagnostics on the gai.conf it writes: to every other request it is not open.
   */
  get(uri: string): TextDocument | undefined {
    const document = this.documents.get(uri);
    return document && !isEmbeddedSourceLanguage(document.languageId) ? document : undefined;
  }

  /** Analyses a text as the document at `uri` is analysed (its glibc, machine, template-ness). */
  analyze(uri: string, text: string, previous?: Analysis): Analysis {
    return analyzeGaiConf(text, this.options(uri), previous);
  }

  snapshotOf(document: TextDocument): Snapshot {
    const cached = this.snapshots.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    const snapshot = {
      version: document.version,
      // The previous version's lines: an edit reads again only the lines it changed.
      analysis: this.analyze(document.uri, text, cached?.analysis),
      locator: new TextLocator(text),
    };
    this.snapshots.set(document.uri, snapshot);
    return snapshot;
  }

  /** The snapshot of an open document, or undefined for a uri that is not open. */
  snapshot(uri: string): (Snapshot & { readonly document: TextDocument }) | undefined {
    const document = this.get(uri);
    return document && { ...this.snapshotOf(document), document };
  }

  /**
   * Runs `work` once the edits that have arrived are handled. vscode-jsonrpc handles one queued
   * message per turn of the event loop, each turn's callback queued after ours; waiting a second
   * turn lets the next queued edit cancel this one, so a burst is analysed once, for its last version.
   */
  schedule(uri: string, work: (uri: string) => Promise<void> | void): void {
    this.pending.get(uri)?.cancel();
    this.relief?.cancel();
    this.relief = undefined;
    let handle = setImmediate(() => {
      handle = setImmediate(() => {
        this.pending.delete(uri);
        // Once its answer is written: a collection before then would hold the rest of a large
        // publication in the pipe's queue.
        void Promise.resolve(work(uri)).then(() => {
          if (this.pending.size === 0 && !this.relief) this.relieveMemory();
        });
      });
    });
    this.pending.set(uri, { cancel: () => clearImmediate(handle) });
  }

  private relief: { cancel(): void } | undefined;

  /**
   * Once a burst's work is written and nothing else is queued, gives back the young generation a
   * large analysis grew (kept for good otherwise), when the server has been quiet for a moment: no
   * edit scheduled, the event loop almost idle (no requests being answered), so that the collection
   * (tens of milliseconds, more at 100,000 lines) does not hold up a burst of edits or requests.
   */
  private relieveMemory(): void {
    if (!youngGenerationGrown()) return;
    let since = eventLoopMark();
    let handle: ReturnType<typeof setTimeout>;
    const whenQuiet = () => {
      if (eventLoopActiveMs(since) > ACTIVE_MS_OF_A_QUIET_SERVER) {
        since = eventLoopMark();
        handle = setTimeout(whenQuiet, QUIET_BEFORE_COLLECTING_MS);
        return;
      }
      this.relief = undefined;
      collectGarbageReducingMemory(() => undefined);
    };
    handle = setTimeout(whenQuiet, QUIET_BEFORE_COLLECTING_MS);
    this.relief = { cancel: () => clearTimeout(handle) };
  }

  /** Settings changed: every analysis is stale. */
  invalidate(): void {
    this.snapshots.clear();
  }

  forget(uri: string): void {
    this.pending.get(uri)?.cancel();
    this.pending.delete(uri);
    this.snapshots.delete(uri);
  }
}
