// Imports @pg/core under a Windows node.exe and prints probe() as one JSON line.
import { probe } from '../../../packages/core/dist/index.js';
console.log(JSON.stringify(await probe()));
