#!/usr/bin/env node
// Installed `credmon` binary: runs the TypeScript entry through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./credmon.ts');
