export { type DecoderConfig, type ModelFolder, readModelFolder } from './model-folder';
export { loadOnnxModel, OnnxLanguageModel, type OnnxModelOptions } from './onnx-model';
