// Writes RULES.md from the rules in lib/policy (`npx projen rules`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderRulesMarkdown } from '../lib/policy';

fs.writeFileSync(path.join(__dirname, '..', 'RULES.md'), renderRulesMarkdown());
