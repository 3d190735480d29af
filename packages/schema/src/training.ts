import { z } from 'zod';
import { Metadata } from './control';

/** One chat message of a training sample. */
export const ChatMessage = z.strictObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  name: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** The training phase a sample is for (paper §4): 1 task-plan, 2 imitation, 3 self-boosting, 4 reward/PPO. */
export const TrainingPhase = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export type TrainingPhase = z.infer<typeof TrainingPhase>;

/** Where a sample came from. */
export const SampleSource = z.strictObject({
  taskId: z.string().optional(),
  trajectoryId: z.string().optional(),
  /** 1-based step number within the trajectory. */
  step: z.int().positive().optional(),
  /** Who produced the trajectory: `gpt-4o`, `lam2`, `dataflow-replay`, ... */
  producer: z.string().optional(),
});
export type SampleSource = z.infer<typeof SampleSource>;

/**
 * A supervised fine-tuning sample: a chat whose last message is the assistant's target
 * (paper App. C: system prompt, user state, assistant JSON; Phase 1: task → plan).
 */
export const SftSample = z
  .strictObject({
    id: z.string().min(1),
    phase: TrainingPhase.optional(),
    messages: z.array(ChatMessage).min(2),
    source: SampleSource.optional(),
    metadata: Metadata.optional(),
  })
  .refine((s) => s.messages.at(-1)?.role === 'assistant', {
    message: 'the last message must be the assistant target',
    path: ['messages'],
  });
export type SftSample = z.infer<typeof SftSample>;

/**
 * A step reward sample ((s_t, a_t) → r_t, paper App. E): the state as chat messages, the
 * action as the assistant text, and its reward (+1 for a step of a successful trajectory, −1 otherwise).
 */
export const StepRewardSample = z.strictObject({
  id: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  action: z.string(),
  reward: z.number(),
  source: SampleSource.optional(),
  metadata: Metadata.optional(),
});
export type StepRewardSample = z.infer<typeof StepRewardSample>;

/** A preference pair: for the same prompt, a chosen and a rejected assistant answer. */
export const PreferencePair = z.strictObject({
  id: z.string().min(1),
  prompt: z.array(ChatMessage).min(1),
  chosen: z.string(),
  rejected: z.string(),
  chosenReward: z.number().optional(),
  rejectedReward: z.number().optional(),
  source: SampleSource.optional(),
  metadata: Metadata.optional(),
});
export type PreferencePair = z.infer<typeof PreferencePair>;
