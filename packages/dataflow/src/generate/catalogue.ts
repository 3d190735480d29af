import { LamError } from '@lam/schema';
import type { AnySkill } from './skill';
import { CALC_SKILLS } from './skills/calc';
import { WRITER_SKILLS } from './skills/writer';

/** Every skill of the catalogue, Writer first. */
export const SKILLS: readonly AnySkill[] = [...WRITER_SKILLS, ...CALC_SKILLS];

/** A skill id that is not in the catalogue. */
export class LAM_UnknownSkillError extends LamError {
  constructor(readonly unknown: string[]) {
    super(
      'LAM_UnknownSkillError',
      `No skill ${unknown.map((s) => JSON.stringify(s)).join(', ')} in the catalogue. Known skills: ${SKILLS.map((s) => s.id).join(', ')}. Fix the --skills list.`,
    );
  }
}

/** The skills named by `ids` (all when undefined or empty); throws {@link LAM_UnknownSkillError} on an unknown id. */
export function selectSkills(ids?: readonly string[]): AnySkill[] {
  if (ids === undefined || ids.length === 0) return [...SKILLS];
  const unknown = ids.filter((id) => !SKILLS.some((s) => s.id === id));
  if (unknown.length > 0) throw new LAM_UnknownSkillError(unknown);
  return SKILLS.filter((s) => ids.includes(s.id));
}
