/*
 * common.pml: the store both protocols run against, and the safety properties.
 *
 * Included by holdfast.pml and naive.pml, after each has defined SERVED(e): what the DNS
 * server answers for endpoint e, computed from the store alone (the publisher's view).
 *
 * The store (src/store/store.h) is linearizable: every get, range and txn is one atomic step
 * here (an `atomic`/`d_step` block, or a single read). Between two store calls of one actor
 * any other actor may run, which is how delays, retries and pauses are modelled: a process
 * that is not scheduled is an arbitrarily slow one.
 *
 * Values are abstracted to what the protocol looks at:
 *   - a plan's addresses are a token: plan <e, g> holds the address set "g" (nonzero), so
 *     "addresses of generation g" is just g and EMPTY (0) is "no address at all";
 *   - mod_revision: etcd/sqlite give each write a unique, increasing revision, so "the
 *     mod_revision is still the one I read" holds exactly when nobody wrote the key in
 *     between. A per-key write counter has the same equality semantics and keeps the state
 *     space small: *_rev[] below (0 = the key is absent, as in the C++ code).
 */

#ifndef NE
#define NE 2          /* endpoints (all in one zone, so they share the zone serial) */
#endif
#ifndef G
#define G 3           /* generations: the planner writes plans 1..G per endpoint, then stops */
#endif
#ifndef K
#define K 1           /* retention: EnactorOptions::keep_plans (10 in production) */
#endif
#ifndef NENACT
#define NENACT 3      /* enactors, one per availability zone */
#endif

#define EMPTY   0     /* no address */

/* State of one plan key plans/<e>/<g>. */
#define ABSENT  0
#define VALID   1     /* decodes, names e, carries generation g, has >= 1 address (usablePlan) */
#define CORRUPT 2     /* present but fails usablePlan/decodePlan (hand edit) */

/* ---- the store ------------------------------------------------------------------------ */

byte plan[NE * (G + 1)];   /* plans/<e>/<g>, g in 1..G (index 0 unused) */
#define PLAN(e, g) plan[(e) * (G + 1) + (g)]

byte latest[NE];           /* plans/<e>/latest: generation, 0 = absent        (LatestRecord) */
byte latest_rev[NE];       /* its mod_revision stand-in                                      */

byte pub_gen[NE];          /* published/<e>: generation, 0 = nothing published (PublishedRecord) */
byte pub_addr[NE];         /* published/<e>: addresses inline (holdfast); unused by naive    */
byte pub_rev[NE];          /* its mod_revision stand-in                                      */

byte ser_rev;              /* zones/<zone>/serial mod_revision stand-in; the serial's value and
                              the journal are written in the same txn but nothing in the
                              protocol reads their values, so they are not modelled */

/* ---- ghost state for the properties (a function of the store; adds no states) ------------ */

byte newest_valid[NE];     /* newest VALID plan generation of e, 0 if none (for L1) */

inline refresh_newest_valid(re) {
  newest_valid[re] = G;
  do
  :: newest_valid[re] > 0 && PLAN(re, newest_valid[re]) != VALID -> newest_valid[re]--
  :: else -> break
  od
}

/* ---- safety properties ------------------------------------------------------------------- *
 * Served data changes only when published/ or plans/ change, so checking after every write to
 * either (check_served) and at every write of published/ (S2) or clean-up delete (S5) covers
 * every reachable state. Each property can be left out with -DNO_S1, -DNO_S2, -DNO_S4 or
 * -DNO_S5, so check.sh can ask spin for a specific naive failure. Each assert stands on a
 * line of its own so that a trail's "Error: assertion violated" line number names it.
 */

byte ci;  /* loop index of check_served, reset to 0 after use (so it adds no states) */

inline check_served() {
  ci = 0;
  do
  :: ci < NE ->
#ifndef NO_S1
     assert(pub_gen[ci] == 0 || SERVED(ci) != EMPTY);       /* S1: a published endpoint is never served empty */
#endif
#ifndef NO_S4
     assert(pub_gen[ci] == 0 || SERVED(ci) == pub_gen[ci]); /* S4: served = the published generation's addresses, whatever plans exist */
#endif
     ci++
  :: else -> break
  od;
  ci = 0
}

/* The only write of published/<pe>: generation pg, addresses pa (EMPTY for the naive
 * reference, which names the plan instead of holding its addresses). */
inline put_published(pe, pg, pa) {
#ifndef NO_S2
  assert(pg >= pub_gen[pe]);                                /* S2: the published generation never goes down */
#endif
  pub_gen[pe] = pg;
  pub_addr[pe] = pa;
  pub_rev[pe]++;
  check_served()
}

/* A clean-up deletes plans/<de>/<dg>: judged here against what is published at this instant. */
inline cleanup_delete(de, dg) {
  printf("@@ clean-up (pid %d): deletes plan %d of endpoint %d (published: %d)\n", _pid, dg, de, pub_gen[de]);
#ifndef NO_S5
  assert(dg + K < pub_gen[de]);                             /* S5: clean-up deletes only plans below published - keep */
#endif
  PLAN(de, dg) = ABSENT;
  refresh_newest_valid(de);
  check_served()
}
