export { BYTE_BPE_SPECIAL_TOKENS, buildByteBpeTokenizer } from './byte-bpe';
export {
  createTestModel,
  TEST_CHAT_TEMPLATE,
  type TestModelInfo,
  type TestModelOptions,
  TestModelOptionsSchema,
} from './create-test-model';
