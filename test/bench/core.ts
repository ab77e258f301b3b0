/** What the benchmark measures in-process, bundled by scripts/bench.mjs. */
export { analyzeGaiConf } from '../../server/src/analysis/analysis';
export { parseGlibcVersion } from '../../server/src/glibc/versions';
export { generateGaiConf, repeatingLabelRows, seededRandom } from '../support/generate';
