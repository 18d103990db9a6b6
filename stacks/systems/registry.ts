/**
 * The systems, each registered once: its config key (`agent-platform:<key>`) and its folder's
 * definition. The platform schema (stacks/config.ts), the secure keys and the deploy order
 * (stacks/systems/index.ts) all derive from this list.
 */
import { terminalMid } from "./terminal-mid";
import { inquisitor } from "./inquisitor";
import { claudeCode } from "./claude-code";
import { productionAgents } from "./production-agents";
import { ushadow } from "./ushadow";

export const SYSTEMS = { terminalMid, inquisitor, claudeCode, productionAgents, ushadow };
