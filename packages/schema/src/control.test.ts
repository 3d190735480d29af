import { describe, expect, it } from 'vitest';
import { Control, rectCenter, rectFromLtrb, rectToLtrb } from './control';
import { Observation, summarizeObservation } from './observation';

describe('controls and observations', () => {
  it('convert UFO boxes to rectangles and back', () => {
    const rect = rectFromLtrb({ left: 10, top: 20, right: 110, bottom: 60 }, 'physical');
    expect(rect).toEqual({ x: 10, y: 20, width: 100, height: 40, space: 'physical' });
    expect(rectToLtrb(rect)).toEqual({ left: 10, top: 20, right: 110, bottom: 60 });
    expect(rectCenter(rect)).toEqual({ x: 60, y: 40, space: 'physical' });
  });

  it('validate a control tree at any depth, naming the nested path', () => {
    const tree = {
      label: '1',
      name: 'Writer',
      type: 'Window',
      children: [
        {
          label: '2',
          name: 'Toolbar',
          type: 'ToolBar',
          children: [
            {
              label: '3',
              name: 'Bold',
              type: 'Button',
              rect: { x: 0, y: 0, width: -1, height: 5, space: 'image' },
            },
          ],
        },
      ],
    };
    const result = Control.safeParse(tree);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['children', 0, 'children', 0, 'rect', 'width']);
  });

  it('summarise an observation for a step record', () => {
    const obs = Observation.parse({
      application: 'soffice-writer',
      window: { title: 'report.odt - LibreOffice Writer' },
      controls: [
        {
          label: '1',
          name: 'Bold',
          type: 'Button',
          states: { enabled: true, pressed: false },
          backendRef: { path: '/org/a11y/1' },
        },
        { label: '2', name: 'Document', type: 'Document' },
      ],
      canvasText: 'Quarterly report',
    });
    expect(summarizeObservation(obs)).toEqual({
      application: 'soffice-writer',
      windowTitle: 'report.odt - LibreOffice Writer',
      controlCount: 2,
      controls: [
        { label: '1', name: 'Bold', type: 'Button' },
        { label: '2', name: 'Document', type: 'Document' },
      ],
      canvasText: 'Quarterly report',
    });
    expect(summarizeObservation(obs, { includeControls: false })).not.toHaveProperty('controls');
  });
});
