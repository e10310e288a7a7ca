// The bundled CLI's entry (dist/pm.cjs, built by esbuild): one file to load instead of a module graph.
import { main } from './main.js';

void main(process.argv);
