/** What the benchmark measures in-process, bundled by scripts/bench.mjs. */
export { analyzeGaiConf } from '../../server/src/core/analysis';
export { parseGlibcVersion } from '../../server/src/core/glibcVersion';
export { generateGaiConf } from './generate';
export { seededRandom } from '../oracle/scenarios';
