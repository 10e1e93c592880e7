/**
 * `node --import` this to run code with '@preact/signals-core' resolved to widget/signals.ts, as
 * the widget's build does (widget/vite.config.ts): test/client-on-widget-signals.test.ts runs
 * client/'s own tests that way.
 */
import { registerHooks } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ours = pathToFileURL(resolve(import.meta.dirname, '../../widget/signals.ts')).href;

registerHooks({
  resolve: (specifier, context, next) => (specifier === '@preact/signals-core' ? { url: ours, shortCircuit: true } : next(specifier, context)),
});
