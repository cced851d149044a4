import type { Outbox } from './types.js';

/**
 * Posts that no interaction is waiting for: reminders, "your question has an answer",
 * promotions from a waitlist. Each running adapter registers how to post in a workspace of
 * its platform; services look the outbox up by the member's platform and workspace.
 */
export class Notifier {
  private readonly factories = new Map<string, (workspace: string) => Outbox | undefined>();

  /** `outboxFor` answers undefined for a workspace this process cannot post in (a Slack token serves one workspace). */
  register(platform: string, outboxFor: (workspace: string) => Outbox | undefined): void {
    this.factories.set(platform, outboxFor);
  }

  /** The platforms whose adapters run in this process. */
  platforms(): string[] {
    return [...this.factories.keys()];
  }

  /** The outbox for a workspace, or undefined when that platform's adapter is not running in this process. */
  outbox(platform: string, workspace: string): Outbox | undefined {
    return this.factories.get(platform)?.(workspace);
  }
}
