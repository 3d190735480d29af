import { MessageChannel } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';

/**
 * Frees ArrayBuffers now rather than at a later garbage collection, by detaching them (their
 * length becomes 0; views on them read as empty).
 *
 * onnxruntime-node returns every output of a decode step in a new buffer, the whole key-value cache
 * included (about 9 MB a step at 700 positions). V8 counts that memory as external and, until a
 * collection frees it, starts one full collection every few steps; their marking threads then compete
 * with onnxruntime's threads for the cores (decision 0304). Transferring a buffer in a message on a
 * channel that is closed at once detaches it, lowers V8's count at once, and drops the memory.
 *
 * Buffers that may not be transferred (shared ones, or ones marked untransferable, as Node's Buffer
 * pool is) are left to the collector.
 */
export function releaseBuffers(buffers: Iterable<ArrayBufferLike>): void {
  const transfer = new Set<ArrayBuffer>();
  for (const buffer of buffers) {
    if (buffer.byteLength > 0 && !isShared(buffer)) transfer.add(buffer as ArrayBuffer);
  }
  if (transfer.size === 0) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, [...transfer]);
  } catch {
    // Nothing was detached: the collector frees them as before.
  } finally {
    port1.close();
    port2.close();
  }
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** The buffer a tensor's data lives in, when it is in this process's memory (not on a GPU). */
export function bufferOf(tensor: ort.Tensor): ArrayBufferLike | undefined {
  return tensor.location === 'cpu' && ArrayBuffer.isView(tensor.data) ? tensor.data.buffer : undefined;
}
