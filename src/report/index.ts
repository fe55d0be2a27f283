/** `lifeboat report`: evidence records (and CloudWatch where records are missing) rendered per store. */
export * from './model';
export { renderMarkdown } from './markdown';
export { renderHtml } from './html';
export { renderJson } from './json';
export { renderChart, type ChartSpec, type ChartPoint } from './chart';
export * from './sources';
