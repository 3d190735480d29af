import type { AccessibleRef, AtspiClient, NodeInfo } from './atspi';
import { hasState, STATE } from './atspi';

/** A screen rectangle in pixels of the X display. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One accessible object met by the walk, with its screen box corrected. */
export interface WalkedNode {
  info: NodeInfo;
  /** The box as it really is on screen (see {@link walkWindows} on the correction). */
  box: Box | undefined;
  /** What was added to the reported extents to get `box`. */
  shift: [number, number];
  /** The part of `shift` that is the root pane's correction (see {@link rootPaneShift}). */
  own: [number, number];
  /**
   * For nodes drawn by LibreOffice's own toolkit inside the GTK window: the root pane and its GTK
   * parent, whose offset is the correction. Kept so that a click can recompute it live.
   */
  anchor: [AccessibleRef, AccessibleRef] | undefined;
  /** The node reports more children than the walk descends into (Calc's sheet: 2^31-1). */
  large: boolean;
  parent: WalkedNode | undefined;
  children: WalkedNode[];
}

/**
 * A name for a node: its own name, else its description, else that of the nearest named container
 * (LibreOffice names a toolbar item's panel "Font Name" and leaves the edit inside unnamed).
 */
export function nodeName(node: WalkedNode, depth = 5): string {
  let current: WalkedNode | undefined = node;
  for (let i = 0; current !== undefined && i <= depth; i++) {
    const name = current.info.name || current.info.description;
    if (name) return name;
    current = current.parent;
    if (current !== undefined && (current.info.role === 'frame' || current.info.role === 'root pane'))
      return '';
  }
  return '';
}

/** Options of {@link walkWindows}. */
export interface WalkOptions {
  /** Stop after this many nodes (default 4000). */
  maxNodes?: number;
  /** Never list the children of a node that reports more than this (default 500): Calc's sheet reports 2^31-1. */
  maxChildren?: number;
}

function toBox(extents: NodeInfo['extents']): Box | undefined {
  if (extents === undefined) return undefined;
  const [x, y, width, height] = extents;
  return { x, y, width, height };
}

function inside(inner: Box, outer: Box, slack = 1): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.width <= outer.x + outer.width + slack &&
    inner.y + inner.height <= outer.y + outer.height + slack
  );
}

function shifted(box: Box | undefined, shift: readonly [number, number]): Box | undefined {
  return box === undefined ? undefined : { ...box, x: box.x + shift[0], y: box.y + shift[1] };
}

/**
 * The correction of LibreOffice's own widgets. LibreOffice draws its toolbars and document inside a
 * GTK container below the native GTK menu bar, but a fresh window reports their extents as if that
 * container started at the window's top: 25 px (the menu bar's height) too high. The GTK container
 * reports its real position, so the offset is the container's position minus the root pane's, where
 * both have the same size. It is 0 once LibreOffice has corrected itself.
 */
export function rootPaneShift(root: Box | undefined, parent: Box | undefined): [number, number] {
  if (root === undefined || parent === undefined) return [0, 0];
  if (root.width !== parent.width || root.height !== parent.height) return [0, 0];
  return [parent.x - root.x, parent.y - root.y];
}

function descendable(info: NodeInfo, maxChildren: number): boolean {
  if (info.childCount <= 0 || info.childCount > maxChildren) return false;
  if (!hasState(info.states, STATE.SHOWING)) return false;
  // Closed menus hold hundreds of hidden items: skip them unless open.
  if (
    info.role === 'menu' &&
    !hasState(info.states, STATE.EXPANDED) &&
    !hasState(info.states, STATE.SELECTED)
  )
    return false;
  const box = info.extents;
  // A zero-size subtree (LibreOffice's hidden own menu bar) is not on screen.
  return box === undefined || (box[2] > 0 && box[3] > 0);
}

/**
 * Walks the showing windows of LibreOffice (the document frame, then any dialog or popup),
 * breadth-first with one round of parallel D-Bus calls per level. Bounded: it never lists the
 * children of a node with more than `maxChildren` (Calc's sheet), of hidden nodes, or of closed
 * menus, and stops at `maxNodes`. `frameShift` corrects the frame's subtree when the frame's
 * extents disagree with the X window's real position.
 */
export async function walkWindows(
  client: AtspiClient,
  windows: readonly AccessibleRef[],
  options: WalkOptions & { frameShift?: [number, number] } = {},
): Promise<{ roots: WalkedNode[]; count: number; truncated: boolean }> {
  const maxNodes = options.maxNodes ?? 4_000;
  const maxChildren = options.maxChildren ?? 500;
  const roots: WalkedNode[] = [];
  let level: { ref: AccessibleRef; parent: WalkedNode | undefined }[] = windows.map((ref) => ({
    ref,
    parent: undefined,
  }));
  let count = 0;
  let truncated = false;
  while (level.length > 0) {
    if (count + level.length > maxNodes) {
      level = level.slice(0, Math.max(0, maxNodes - count));
      truncated = true;
    }
    const infos = await Promise.all(level.map((item) => client.info(item.ref).catch(() => undefined)));
    const next: { ref: AccessibleRef; parent: WalkedNode }[] = [];
    const expand: WalkedNode[] = [];
    infos.forEach((info, i) => {
      const parent = level[i]!.parent;
      if (info === undefined) return; // gone meanwhile
      if (parent === undefined && !hasState(info.states, STATE.SHOWING)) return;
      const raw = toBox(info.extents);
      let shift: [number, number] =
        parent?.shift ?? (roots.length === 0 ? (options.frameShift ?? [0, 0]) : [0, 0]);
      let own: [number, number] = parent?.own ?? [0, 0];
      let anchor = parent?.anchor;
      if (info.role === 'root pane' && parent !== undefined) {
        own = rootPaneShift(raw, toBox(parent.info.extents));
        shift = [parent.shift[0] + own[0], parent.shift[1] + own[1]];
        anchor = own[0] !== 0 || own[1] !== 0 ? [info.ref, parent.info.ref] : undefined;
      } else if (parent !== undefined && anchor !== undefined && raw !== undefined) {
        const parentRaw = toBox(parent.info.extents);
        // A native GTK widget inside LibreOffice's toolbar reports its real place: no correction.
        if (
          parentRaw !== undefined &&
          !inside(raw, parentRaw) &&
          parent.box !== undefined &&
          inside(raw, parent.box)
        ) {
          shift = [shift[0] - own[0], shift[1] - own[1]];
          own = [0, 0];
          anchor = undefined;
        }
      }
      const node: WalkedNode = {
        info,
        box: shifted(raw, shift),
        shift,
        own,
        anchor,
        large: info.childCount > maxChildren,
        parent,
        children: [],
      };
      count++;
      if (parent === undefined) roots.push(node);
      else parent.children.push(node);
      if (descendable(info, maxChildren)) expand.push(node);
    });
    const kids = await Promise.all(
      expand.map((n) => client.children(n.info.ref).catch(() => [] as AccessibleRef[])),
    );
    expand.forEach((n, i) => {
      for (const ref of kids[i]!) next.push({ ref, parent: n });
    });
    level = next;
  }
  return { roots, count, truncated };
}

/** Every node of a walk, depth-first (pre-order). */
export function flattenWalk(roots: readonly WalkedNode[]): WalkedNode[] {
  const out: WalkedNode[] = [];
  const visit = (n: WalkedNode) => {
    out.push(n);
    for (const c of n.children) visit(c);
  };
  for (const r of roots) visit(r);
  return out;
}
