/**
 * Forming a workshop day's groups from the learners and coaches who checked in (`/workshop groups
 * action:make`), and placing a late arrival. Pure: no database, no clock, no randomness.
 *
 * Hard rules: every learner is in exactly one group; every group has exactly one coach, each coach
 * at most one group; no group is empty. Pins (a learner moved by hand, kept when the groups are
 * made again) come next: a learner pinned to a present coach is always with that coach. Then the
 * soft rules, each kept as far as the rules before it allow:
 *   1. no group over the chapter's learners per coach (`ratio`);
 *   2. group sizes within one of each other;
 *   3. a learner who asked for a language is with a coach who speaks it;
 *   4. levels spread across the groups (`mixed`) or kept together (`by-level`).
 *
 * How it is done: the pinned learners are fixed, then the sizes follow from rules 1–2 by
 * water-filling (the free learners raise the smallest groups first). Which free learner goes to
 * which coach is a min-cost flow over those sizes: an unmet language wish costs more than any
 * arrangement of levels can, so the flow first meets as many wishes as the sizes allow and then,
 * among those arrangements, the best for the levels. The result is deterministic: inputs are
 * sorted by id first, so neither their order nor a rerun changes it.
 */

export type LearnerLevel = 'new' | 'some' | 'comfortable';
export type GroupingMode = 'mixed' | 'by-level';

export interface GroupLearner {
  readonly id: number;
  /** Null: not given (treated as a level of its own, after `comfortable`). */
  readonly level: LearnerLevel | null;
  /** A language code such as `de`; compared case-insensitively. Null or blank: no wish. */
  readonly language: string | null;
  /** A coach this learner was moved to by hand; kept if that coach is present. */
  readonly pinnedCoach?: number | null;
}

export interface GroupCoach {
  readonly id: number;
  /** Language codes, compared case-insensitively. */
  readonly languages: readonly string[];
}

export interface GroupingInput {
  /** Ids unique among learners (and among coaches); a duplicate is a RangeError. */
  readonly learners: readonly GroupLearner[];
  readonly coaches: readonly GroupCoach[];
  /** Learners per coach, an integer ≥ 1 (the chapter's setting). */
  readonly ratio: number;
  readonly mode: GroupingMode;
}

export interface Group {
  /** 1-based, in the order of the coaches' ids. */
  readonly number: number;
  readonly coach: number;
  /** Learner ids, ascending. */
  readonly learners: readonly number[];
}

/**
 * A wish a placement could not follow, as codes the caller translates.
 * - `language`/`no_coach_speaks`: no coach present speaks it;
 * - `language`/`group_full`: the groups of the coaches who speak it are full (rules 1–2 come first);
 * - `language`/`pinned`: the learner is pinned to a coach who does not speak it;
 * - `pin`/`pinned_coach_absent`: the learner was pinned to a coach who is not here; placed freely.
 * Levels are the chapter's setting, not a learner's wish, so they are not reported.
 */
export type UnmetWish =
  | { readonly learner: number; readonly wish: 'language'; readonly reason: 'no_coach_speaks' | 'group_full' | 'pinned' }
  | { readonly learner: number; readonly wish: 'pin'; readonly reason: 'pinned_coach_absent' };

export interface Grouping {
  readonly groups: readonly Group[];
  /** How many more coaches the ratio asks for: max(0, ceil(learners / ratio) − coaches). */
  readonly missingCoaches: number;
  /** Ascending by learner id (then `language` before `pin`). */
  readonly unmet: readonly UnmetWish[];
  /** Learners in no group: all of them when no coach is present, otherwise none. */
  readonly unplaced: readonly number[];
}

/** The level ranks: `new` < `some` < `comfortable` < not given. */
const RANKS = 4;
const UNKNOWN_RANK = RANKS - 1;

/**
 * Makes the groups.
 *
 * How many groups: every coach present gets a group as long as each group can have a learner
 * (smaller groups are the community's goal, so a spare coach is better used than idle):
 * min(coaches, learners) without pins. With pins, min(coaches, pinned coaches + free learners):
 * learners pinned to one coach fill one group only. No learner or no coach: no groups.
 */
export function makeGroups(input: GroupingInput): Grouping {
  const { ratio, mode } = input;
  if (!Number.isInteger(ratio) || ratio < 1) throw new RangeError(`learners per coach must be an integer ≥ 1, not ${ratio}`);
  const learners = sortedById(input.learners, 'learner');
  const coaches = sortedById(input.coaches, 'coach').map((c) => ({ id: c.id, languages: new Set(c.languages.map(code).filter(isCode)) }));
  const missingCoaches = Math.max(0, Math.ceil(learners.length / ratio) - coaches.length);
  if (coaches.length === 0 || learners.length === 0) {
    return { groups: [], missingCoaches, unmet: [], unplaced: learners.map((l) => l.id) };
  }

  const at = new Map(coaches.map((c, i) => [c.id, i]));
  const pinned: GroupLearner[][] = coaches.map(() => []);
  const free: GroupLearner[] = [];
  const unmet: UnmetWish[] = [];
  for (const l of learners) {
    const pin = l.pinnedCoach ?? null;
    const i = pin === null ? undefined : at.get(pin);
    if (i !== undefined) pinned[i].push(l);
    else {
      if (pin !== null) unmet.push({ learner: l.id, wish: 'pin', reason: 'pinned_coach_absent' });
      free.push(l);
    }
  }

  const room = sizes(
    pinned.map((p) => p.length),
    free.length,
  );
  const placed = assign(coaches, pinned, free, room, mode);

  const groups: Group[] = [];
  const coachOf = new Map<number, number>();
  coaches.forEach((c, i) => {
    const members = [...pinned[i], ...placed[i]].map((l) => l.id).sort((a, b) => a - b);
    if (members.length === 0) return;
    groups.push({ number: groups.length + 1, coach: c.id, learners: members });
    for (const id of members) coachOf.set(id, i);
  });

  for (const l of learners) {
    const wish = code(l.language);
    if (wish === null) continue;
    const coach = coaches[coachOf.get(l.id)!];
    if (coach.languages.has(wish)) continue;
    const reason = !coaches.some((c) => c.languages.has(wish)) ? 'no_coach_speaks' : coach.id === l.pinnedCoach ? 'pinned' : 'group_full';
    unmet.push({ learner: l.id, wish: 'language', reason });
  }
  unmet.sort((a, b) => a.learner - b.learner || a.wish.localeCompare(b.wish));
  return { groups, missingCoaches, unmet, unplaced: [] };
}

/**
 * The group a late arrival joins: pinned to a coach with a group, that group; otherwise the smallest
 * group whose coach speaks the learner's wished language if there is one, else the smallest group;
 * ties go to the lowest group number. Null when there are no groups.
 *
 * This follows the issue as asked: a language wish may here send a learner to a group larger than
 * the smallest (rule 2 yields to the wish for a late arrival, unlike in makeGroups).
 */
export function placeLate(groups: readonly Group[], coaches: readonly GroupCoach[], learner: GroupLearner): number | null {
  if (groups.length === 0) return null;
  const pin = learner.pinnedCoach ?? null;
  const pinnedGroup = pin === null ? undefined : groups.find((g) => g.coach === pin);
  if (pinnedGroup) return pinnedGroup.number;
  const wish = code(learner.language);
  const speaks = (g: Group) => coaches.some((c) => c.id === g.coach && c.languages.some((l) => code(l) === wish));
  const suitable = wish === null ? [] : groups.filter(speaks);
  const pool = suitable.length > 0 ? suitable : groups;
  return pool.reduce((best, g) =>
    g.learners.length < best.learners.length || (g.learners.length === best.learners.length && g.number < best.number) ? g : best,
  ).number;
}

/** A language code as compared: trimmed, lower case; blank is no wish. */
function code(language: string | null | undefined): string | null {
  const c = language?.trim().toLowerCase();
  return c ? c : null;
}

function isCode(c: string | null): c is string {
  return c !== null;
}

function rank(level: LearnerLevel | null): number {
  return level === 'new' ? 0 : level === 'some' ? 1 : level === 'comfortable' ? 2 : UNKNOWN_RANK;
}

function sortedById<T extends { readonly id: number }>(items: readonly T[], what: string): T[] {
  const out = [...items].sort((a, b) => a.id - b.id);
  for (let i = 1; i < out.length; i++) if (out[i].id === out[i - 1].id) throw new RangeError(`${what} ${out[i].id} given twice`);
  return out;
}

/**
 * How many free learners each coach may take: `base` for sure, plus one of the `extra` places
 * (at most `extras` of them taken in all) where allowed. The flow fills exactly this room.
 */
interface Room {
  readonly base: readonly number[];
  readonly extra: readonly boolean[];
  readonly extras: number;
}

/**
 * The sizes rules 1–2 allow around the pins, by water-filling: free learners raise the smallest
 * groups first, so every group that takes free learners ends at level t or t + 1, and a group larger
 * than that holds only its pinned learners. Without pins this is ⌊L/G⌋ or ⌈L/G⌉ in every group, and
 * when coaches × ratio ≥ learners no group that takes a free learner exceeds the ratio.
 */
function sizes(pins: readonly number[], free: number): Room {
  const pinnedCoaches = pins.filter((p) => p > 0).length;
  if (pinnedCoaches + free < pins.length) {
    // More coaches than groups can be filled: each free learner opens a group of their own with a
    // coach without pins (which coaches is left to the flow, for the languages).
    return { base: pins.map((p) => (p === 0 ? 1 : 0)), extra: pins.map(() => false), extras: 0 };
  }
  const need = (t: number) => pins.reduce((n, p) => n + Math.max(0, t - p), 0);
  let t = 0;
  while (need(t + 1) <= free) t++;
  return { base: pins.map((p) => Math.max(0, t - p)), extra: pins.map((p) => p <= t), extras: free - need(t) };
}

/** The free learners for each coach (indices as in `coaches`), by min-cost flow. */
function assign(
  coaches: readonly { readonly id: number; readonly languages: ReadonlySet<string> }[],
  pinned: readonly (readonly GroupLearner[])[],
  free: readonly GroupLearner[],
  room: Room,
  mode: GroupingMode,
): GroupLearner[][] {
  const out: GroupLearner[][] = coaches.map(() => []);
  if (free.length === 0) return out;

  // Free learners fall into classes by (wished language, level rank); within a class they are
  // interchangeable, in order of id.
  const classes = new Map<string, { wish: string | null; rank: number; learners: GroupLearner[] }>();
  for (const l of free) {
    const wish = code(l.language);
    const r = rank(l.level);
    const key = `${r}|${wish ?? ''}`;
    const c = classes.get(key) ?? { wish, rank: r, learners: [] };
    c.learners.push(l);
    classes.set(key, c);
  }
  const perRank = Array.from({ length: RANKS }, (_, r) => free.filter((l) => rank(l.level) === r).length);
  const capacity = coaches.map((_, i) => room.base[i] + (room.extra[i] ? 1 : 0));

  // by-level: coaches stand in a row and lower ranks cost less further left (cost (MAX − rank) ×
  // position). That cost is strictly Monge, so a cheapest flow never crosses (a lower rank right of
  // a higher one): the levels come out in contiguous runs along the row, and at most (levels − 1)
  // groups mix levels. A coach's place in the row follows the mean level of their pinned learners,
  // so free learners join their pinned peers; coaches without pins sit in the middle.
  const position = new Map<number, number>();
  coaches
    .map((c, i) => {
      const ranks = pinned[i].map((l) => rank(l.level));
      return { i, id: c.id, key: ranks.length ? ranks.reduce((a, b) => a + b, 0) / ranks.length : UNKNOWN_RANK / 2 };
    })
    .sort((a, b) => a.key - b.key || a.id - b.id)
    .forEach((c, p) => position.set(c.i, p));

  // mixed: the k-th learner of a rank in a group costs 2k − 1 (counting the pinned ones), so the
  // cost is the sum of squares of the counts per group and rank; its minimum spreads each rank as
  // evenly as the sizes allow (within one, where nothing else decides).
  const pinnedOfRank = pinned.map((ls) => Array.from({ length: RANKS }, (_, r) => ls.filter((l) => rank(l.level) === r).length));
  const levelCost =
    mode === 'mixed'
      ? free.length * 2 * (free.length + Math.max(0, ...pinned.map((p) => p.length)))
      : free.length * (UNKNOWN_RANK + 1) * coaches.length;
  // An unmet wish costs more than all level costs together, so the flow meets wishes first.
  const unmetCost = levelCost + 1;

  const source = 0;
  const sink = 1;
  const extraNode = 2;
  const coachNode = (i: number) => 3 + i;
  const slotNode = (i: number, r: number) => 3 + coaches.length + i * RANKS + r;
  const classBase = 3 + coaches.length * (RANKS + 1);
  const list = [...classes.values()];
  const flow = new MinCostFlow(classBase + list.length);

  flow.add(extraNode, sink, room.extras, 0);
  coaches.forEach((_, i) => {
    flow.add(coachNode(i), sink, room.base[i], 0);
    if (room.extra[i]) flow.add(coachNode(i), extraNode, 1, 0);
    for (let r = 0; r < RANKS; r++) {
      const most = Math.min(perRank[r], capacity[i]);
      if (most === 0) continue;
      if (mode === 'mixed') {
        for (let k = 1; k <= most; k++) flow.add(slotNode(i, r), coachNode(i), 1, 2 * (pinnedOfRank[i][r] + k) - 1);
      } else flow.add(slotNode(i, r), coachNode(i), most, (UNKNOWN_RANK - r) * position.get(i)!);
    }
  });
  const routes = list.map((c, k) => {
    flow.add(source, classBase + k, c.learners.length, 0);
    return coaches.map((coach, i) => {
      const met = c.wish === null || coach.languages.has(c.wish);
      return { i, met, edge: flow.add(classBase + k, slotNode(i, c.rank), c.learners.length, met ? 0 : unmetCost) };
    });
  });
  flow.run(source, sink);

  list.forEach((c, k) => {
    // Within a class, the lower ids get the coaches who speak their language.
    const ordered = [...routes[k]].sort((a, b) => Number(b.met) - Number(a.met) || a.i - b.i);
    let next = 0;
    for (const route of ordered) {
      for (let n = flow.flowOn(route.edge); n > 0; n--) out[route.i].push(c.learners[next++]);
    }
  });
  return out;
}

/**
 * Minimum-cost maximum flow by successive shortest paths (Bellman–Ford on the residual graph; the
 * graphs here have a few hundred edges). Integer capacities and costs; deterministic in the order
 * edges were added.
 */
class MinCostFlow {
  private readonly to: number[] = [];
  private readonly cap: number[] = [];
  private readonly cost: number[] = [];
  private readonly out: number[][];

  constructor(nodes: number) {
    this.out = Array.from({ length: nodes }, () => []);
  }

  /** Adds an edge; returns its id for flowOn. */
  add(from: number, to: number, cap: number, cost: number): number {
    const e = this.to.length;
    this.to.push(to, from);
    this.cap.push(cap, 0);
    this.cost.push(cost, -cost);
    this.out[from].push(e);
    this.out[to].push(e + 1);
    return e;
  }

  flowOn(edge: number): number {
    return this.cap[edge ^ 1];
  }

  run(source: number, sink: number): void {
    const n = this.out.length;
    for (;;) {
      const dist = new Array<number>(n).fill(Infinity);
      const via = new Array<number>(n).fill(-1);
      const queued = new Array<boolean>(n).fill(false);
      dist[source] = 0;
      const queue = [source];
      queued[source] = true;
      for (let head = 0; head < queue.length; head++) {
        const u = queue[head];
        queued[u] = false;
        for (const e of this.out[u]) {
          if (this.cap[e] <= 0) continue;
          const v = this.to[e];
          const d = dist[u] + this.cost[e];
          if (d < dist[v]) {
            dist[v] = d;
            via[v] = e;
            if (!queued[v]) {
              queued[v] = true;
              queue.push(v);
            }
          }
        }
      }
      if (dist[sink] === Infinity) return;
      let push = Infinity;
      for (let v = sink; v !== source; v = this.to[via[v] ^ 1]) push = Math.min(push, this.cap[via[v]]);
      for (let v = sink; v !== source; v = this.to[via[v] ^ 1]) {
        this.cap[via[v]] -= push;
        this.cap[via[v] ^ 1] += push;
      }
    }
  }
}
