/**
 * Set-of-mark label colours by control type: UFO's (PAPER.md §3.4), plus a few for types UFO
 * does not colour. The label box is filled with the colour, framed in red, with black text.
 */
export const SET_OF_MARK_COLORS: Readonly<Record<string, string>> = Object.freeze({
  Button: '#FFF68F',
  Edit: '#A5F0B5',
  TabItem: '#A5E7F0',
  Document: '#FFD18A',
  ListItem: '#D9C3FE',
  MenuItem: '#E7FEC3',
  ScrollBar: '#FEC3F8',
  TreeItem: '#D6D6D6',
  Hyperlink: '#91FFEB',
  ComboBox: '#D8B6D4',
});

/** The colour of types with no entry in {@link SET_OF_MARK_COLORS}. */
export const DEFAULT_MARK_COLOR = '#FFFFFF';

/** The label colour of a control type. */
export function markColor(
  type: string,
  colors: Readonly<Record<string, string>> = SET_OF_MARK_COLORS,
): string {
  return colors[type] ?? DEFAULT_MARK_COLOR;
}
