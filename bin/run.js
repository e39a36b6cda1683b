#!/usr/bin/env node
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
// End with the code the command set, even if a dependency left a handle or an exit hook
// behind; stdout and stderr are synchronous for files and pipes here, so nothing is lost.
process.exit(process.exitCode ?? 0);
