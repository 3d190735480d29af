export { drawSetOfMarks, type SetOfMarkOptions, type SetOfMarkResult } from './draw';
