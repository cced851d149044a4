/**
 * An adapter's interactions under way, for a clean stop: `track` each one; `refuseNew` makes
 * `stopping` true (the adapter then answers new ones "the bot is stopping" rather than run them);
 * `drain` does that and waits for what is under way, at most `ms`, so the database is closed only
 * after the answers and posts in progress (a stuck one is given up on).
 */
export class WorkUnderWay {
  private readonly work = new Set<Promise<unknown>>();
  private refusing = false;

  get stopping(): boolean {
    return this.refusing;
  }

  refuseNew(): void {
    this.refusing = true;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const forget = () => void this.work.delete(work);
    work.then(forget, forget);
    return work;
  }

  async drain(ms: number): Promise<void> {
    this.refuseNew();
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([Promise.allSettled([...this.work]), patience]);
    clearTimeout(timer);
  }
}
