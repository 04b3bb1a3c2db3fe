; dlir's parallel runtime: a persistent pool of pthreads that runs `loop.for ... parallel`.
;
; The outlined body of a parallel loop is `void fn(ptr ctx, i64 begin, i64 end)`, running the
; iterations lb, lb + step, ... that fall in [begin, end). A parallel loop becomes
;
;     call void @dlir_parallel_for(ptr @fn, ptr %ctx, i64 %lb, i64 %ub, i64 %step, i64 %work)
;
; where %work is the compiler's estimate of the work of one iteration. The call runs the loop
; serially (fn(ctx, lb, ub) on the calling thread) when the trip count is at most 1, when
; trip count x work is below the threshold, when one thread is configured, or when the pool
; is busy (another thread is inside a parallel loop: a second Python thread, or a kernel
; called from inside a parallel body). Otherwise it splits the iterations into one contiguous,
; step-aligned chunk per thread (static chunks: chunk k is [lb + k*span, lb + (k+1)*span)),
; wakes the workers, runs chunk 0 itself and waits until every chunk is done.
;
; Chunks 1.. are claimed through @claim, one word holding the job number (high bits) and the
; next unclaimed chunk (low 16 bits), by compare-and-swap: a worker claims only chunks of the
; job it was woken for, and the caller, once done with chunk 0, claims the chunks no worker
; has started (a worker descheduled on a busy machine then costs nothing but its own chunk).
; Normally each worker has claimed one chunk by then. @remaining counts the claimable chunks
; not yet finished; whoever finishes the last one signals @done.
;
; Worker w (1 <= w < 256) waits for @pending[w], spinning a little then asleep on @wake, reads
; the job (a seqlock: no lock on the way to a chunk) and claims chunks until none is left. The pthread objects live in
; 128-byte, 16-aligned slots (glibc x86-64 needs 40/48 bytes, macOS 64/48) initialised by
; @dlir_runtime_init. The workers are created lazily, by the first parallel loop that needs
; them, and never exit. Workers and caller spin for a while before they block, so back-to-back
; parallel loops do not pay a futex wake-up each.
;
; `@spin_hint` (a CPU pause/yield hint) is appended by runtime.py for the target.

@num_threads = internal global i64 1
; Spin-wait iterations (each one @spin_hint, a `pause` on x86) before blocking: about 20-100 us.
@spin_limit = internal constant i64 2000
@threshold = internal global i64 0
@workers = internal global i64 0
@initialized = internal global i64 0

@launch_lock = internal global [128 x i8] zeroinitializer, align 16
@state_lock = internal global [128 x i8] zeroinitializer, align 16
@wake = internal global [128 x i8] zeroinitializer, align 16
@done = internal global [128 x i8] zeroinitializer, align 16

; The job being run: written by the caller that holds @launch_lock, read by the workers
; through the seqlock @job_seq (2 x job number once written, odd while being written).
@job_fn = internal global ptr null
@job_ctx = internal global ptr null
@job_lb = internal global i64 0
@job_ub = internal global i64 0
@job_span = internal global i64 0
@job_chunks = internal global i64 0
@job_id = internal global i64 0
@job_seq = internal global i64 0, align 64
@claim = internal global i64 0, align 64
@remaining = internal global i64 0, align 64
@sleepers = internal global i64 0
@pending = internal global [256 x i64] zeroinitializer, align 64

; Statistics: parallel launches, serial runs, contended (pool busy) runs, chunks run by workers,
; chunks after chunk 0 run by the caller.
@stat_parallel = internal global i64 0
@stat_serial = internal global i64 0
@stat_contended = internal global i64 0
@stat_worker_chunks = internal global i64 0
@stat_stolen = internal global i64 0

declare i32 @pthread_mutex_init(ptr, ptr)
declare i32 @pthread_mutex_lock(ptr)
declare i32 @pthread_mutex_trylock(ptr)
declare i32 @pthread_mutex_unlock(ptr)
declare i32 @pthread_cond_init(ptr, ptr)
declare i32 @pthread_cond_wait(ptr, ptr)
declare i32 @pthread_cond_broadcast(ptr)
declare i32 @pthread_cond_signal(ptr)
declare i32 @pthread_create(ptr, ptr, ptr, ptr)

; Initialise the locks and condition variables once, and set the thread count.
define void @dlir_runtime_init(i64 %threads) nounwind {
entry:
  %was = atomicrmw xchg ptr @initialized, i64 1 seq_cst
  %first = icmp eq i64 %was, 0
  br i1 %first, label %init, label %set
init:
  call i32 @pthread_mutex_init(ptr @launch_lock, ptr null)
  call i32 @pthread_mutex_init(ptr @state_lock, ptr null)
  call i32 @pthread_cond_init(ptr @wake, ptr null)
  call i32 @pthread_cond_init(ptr @done, ptr null)
  br label %set
set:
  call void @dlir_runtime_set_num_threads(i64 %threads)
  ret void
}

; Threads used by a parallel loop, the caller included: clamped to [1, 256].
define void @dlir_runtime_set_num_threads(i64 %threads) nounwind {
entry:
  %low = icmp slt i64 %threads, 1
  %a = select i1 %low, i64 1, i64 %threads
  %high = icmp sgt i64 %a, 256
  %b = select i1 %high, i64 256, i64 %a
  store atomic i64 %b, ptr @num_threads monotonic, align 8
  ret void
}

define i64 @dlir_runtime_get_num_threads() nounwind {
entry:
  %n = load atomic i64, ptr @num_threads monotonic, align 8
  ret i64 %n
}

; Loops whose trip count x work per iteration is below %work run serially.
define void @dlir_runtime_set_threshold(i64 %work) nounwind {
entry:
  store atomic i64 %work, ptr @threshold monotonic, align 8
  ret void
}

define i64 @dlir_runtime_get_threshold() nounwind {
entry:
  %t = load atomic i64, ptr @threshold monotonic, align 8
  ret i64 %t
}

; out[0..6) = parallel launches, serial runs, contended runs, chunks run by workers, chunks
; after chunk 0 run by the caller, workers.
define void @dlir_runtime_stats(ptr %out) nounwind {
entry:
  %p = load atomic i64, ptr @stat_parallel monotonic, align 8
  %s = load atomic i64, ptr @stat_serial monotonic, align 8
  %c = load atomic i64, ptr @stat_contended monotonic, align 8
  %w = load atomic i64, ptr @stat_worker_chunks monotonic, align 8
  %t = load atomic i64, ptr @stat_stolen monotonic, align 8
  %n = load atomic i64, ptr @workers monotonic, align 8
  store i64 %p, ptr %out, align 8
  %o1 = getelementptr i64, ptr %out, i64 1
  store i64 %s, ptr %o1, align 8
  %o2 = getelementptr i64, ptr %out, i64 2
  store i64 %c, ptr %o2, align 8
  %o3 = getelementptr i64, ptr %out, i64 3
  store i64 %w, ptr %o3, align 8
  %o4 = getelementptr i64, ptr %out, i64 4
  store i64 %t, ptr %o4, align 8
  %o5 = getelementptr i64, ptr %out, i64 5
  store i64 %n, ptr %o5, align 8
  ret void
}

define void @dlir_runtime_reset_stats() nounwind {
entry:
  store atomic i64 0, ptr @stat_parallel monotonic, align 8
  store atomic i64 0, ptr @stat_serial monotonic, align 8
  store atomic i64 0, ptr @stat_contended monotonic, align 8
  store atomic i64 0, ptr @stat_worker_chunks monotonic, align 8
  store atomic i64 0, ptr @stat_stolen monotonic, align 8
  ret void
}

define void @dlir_parallel_for(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %step, i64 %work) {
entry:
  %tid = alloca i64, align 8
  %empty = icmp sle i64 %ub, %lb
  br i1 %empty, label %return, label %check_step
check_step:
  ; a step <= 0 (only possible when dynamic) runs as the serial loop would, never divides
  %bad_step = icmp sle i64 %step, 0
  br i1 %bad_step, label %run_serial, label %count
count:
  ; trip = ceil((ub - lb) / step), for step > 0
  %range = sub i64 %ub, %lb
  %step1 = sub i64 %step, 1
  %rounded = add i64 %range, %step1
  %trip = sdiv i64 %rounded, %step
  %threads = load atomic i64, ptr @num_threads monotonic, align 8
  %one_trip = icmp sle i64 %trip, 1
  %one_thread = icmp sle i64 %threads, 1
  %trivial = or i1 %one_trip, %one_thread
  ; trip x work in 128 bits: no overflow
  %trip128 = zext i64 %trip to i128
  %work128 = zext i64 %work to i128
  %total = mul i128 %trip128, %work128
  %limit = load atomic i64, ptr @threshold monotonic, align 8
  %limit128 = zext i64 %limit to i128
  %small = icmp ult i128 %total, %limit128
  %serial = or i1 %trivial, %small
  br i1 %serial, label %run_serial, label %try_lock
run_serial:
  atomicrmw add ptr @stat_serial, i64 1 monotonic
  call void %fn(ptr %ctx, i64 %lb, i64 %ub)
  br label %return
try_lock:
  %busy = call i32 @pthread_mutex_trylock(ptr @launch_lock)
  %locked = icmp eq i32 %busy, 0
  br i1 %locked, label %spawn_check, label %run_contended
run_contended:
  atomicrmw add ptr @stat_contended, i64 1 monotonic
  call void %fn(ptr %ctx, i64 %lb, i64 %ub)
  br label %return
spawn_check:
  ; create workers 1 .. threads-1 that do not exist yet (only the launch lock holder does)
  %have = load i64, ptr @workers, align 8
  %want = sub i64 %threads, 1
  %enough = icmp sge i64 %have, %want
  br i1 %enough, label %plan, label %spawn
spawn:
  %id = add i64 %have, 1
  %arg = inttoptr i64 %id to ptr
  %err = call i32 @pthread_create(ptr %tid, ptr null, ptr @worker, ptr %arg)
  %ok = icmp eq i32 %err, 0
  br i1 %ok, label %spawned, label %plan
spawned:
  store atomic i64 %id, ptr @workers monotonic, align 8
  br label %spawn_check
plan:
  ; chunks = ceil(trip / per) with per = ceil(trip / min(threads, workers + 1, trip))
  %made = load i64, ptr @workers, align 8
  %pool = add i64 %made, 1
  %fewer = icmp slt i64 %pool, %threads
  %usable = select i1 %fewer, i64 %pool, i64 %threads
  %trip_less = icmp slt i64 %trip, %usable
  %parts = select i1 %trip_less, i64 %trip, i64 %usable
  %no_pool = icmp sle i64 %parts, 1
  br i1 %no_pool, label %unlock_serial, label %launch
unlock_serial:
  call i32 @pthread_mutex_unlock(ptr @launch_lock)
  br label %run_serial
launch:
  %parts1 = sub i64 %parts, 1
  %trip_up = add i64 %trip, %parts1
  %per = sdiv i64 %trip_up, %parts
  %per1 = sub i64 %per, 1
  %trip_up2 = add i64 %trip, %per1
  %chunks = sdiv i64 %trip_up2, %per
  %span = mul i64 %per, %step
  ; publish the job under the seqlock @job_seq (odd while it is written)
  %last_job = load i64, ptr @job_id, align 8
  %job = add i64 %last_job, 1
  store i64 %job, ptr @job_id, align 8
  %seq_even = shl i64 %job, 1
  %seq_odd = sub i64 %seq_even, 1
  store atomic i64 %seq_odd, ptr @job_seq monotonic, align 8
  fence release
  store atomic ptr %fn, ptr @job_fn monotonic, align 8
  store atomic ptr %ctx, ptr @job_ctx monotonic, align 8
  store atomic i64 %lb, ptr @job_lb monotonic, align 8
  store atomic i64 %ub, ptr @job_ub monotonic, align 8
  store atomic i64 %span, ptr @job_span monotonic, align 8
  store atomic i64 %chunks, ptr @job_chunks monotonic, align 8
  %others = sub i64 %chunks, 1
  store atomic i64 %others, ptr @remaining monotonic, align 8
  store atomic i64 %seq_even, ptr @job_seq release, align 8
  %job_high = shl i64 %job, 16
  %first_claim = or i64 %job_high, 1
  store atomic i64 %first_claim, ptr @claim release, align 8
  br label %mark
mark:
  %w = phi i64 [ 1, %launch ], [ %w_next, %mark ]
  %slot = getelementptr [256 x i64], ptr @pending, i64 0, i64 %w
  store atomic i64 1, ptr %slot seq_cst, align 8
  %w_next = add i64 %w, 1
  %marked = icmp sge i64 %w_next, %chunks
  br i1 %marked, label %wake_check, label %mark
wake_check:
  ; Dekker with the worker's `sleepers += 1; load pending` (all seq_cst): either it sees its
  ; flag, or we see it counted and wake it under @state_lock, where it waits
  %asleep = load atomic i64, ptr @sleepers seq_cst, align 8
  %any_asleep = icmp sgt i64 %asleep, 0
  br i1 %any_asleep, label %wake_all, label %run_first
wake_all:
  call i32 @pthread_mutex_lock(ptr @state_lock)
  call i32 @pthread_cond_broadcast(ptr @wake)
  call i32 @pthread_mutex_unlock(ptr @state_lock)
  br label %run_first
run_first:
  call void @run_chunk(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %span, i64 0)
  br label %steal
steal:
  ; the chunks that no worker has claimed yet: run them here rather than wait
  %idx = call i64 @claim_chunk(i64 %job, i64 %chunks)
  %claimed = icmp sge i64 %idx, 0
  br i1 %claimed, label %run_stolen, label %spin
run_stolen:
  call void @run_chunk(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %span, i64 %idx)
  atomicrmw add ptr @stat_stolen, i64 1 monotonic
  atomicrmw sub ptr @remaining, i64 1 acq_rel
  br label %steal
spin:
  ; wait for the chunks the workers run: spin a little, then sleep
  %k = phi i64 [ 0, %steal ], [ %k_next, %spin_more ]
  %left_now = load atomic i64, ptr @remaining acquire, align 8
  %done_now = icmp eq i64 %left_now, 0
  br i1 %done_now, label %joined, label %spin_more
spin_more:
  call void @spin_hint()
  %k_next = add i64 %k, 1
  %limit_k = load i64, ptr @spin_limit, align 8
  %tired = icmp sge i64 %k_next, %limit_k
  br i1 %tired, label %block, label %spin
block:
  call i32 @pthread_mutex_lock(ptr @state_lock)
  br label %wait
wait:
  %left = load atomic i64, ptr @remaining acquire, align 8
  %finished = icmp eq i64 %left, 0
  br i1 %finished, label %woken, label %sleep
sleep:
  call i32 @pthread_cond_wait(ptr @done, ptr @state_lock)
  br label %wait
woken:
  call i32 @pthread_mutex_unlock(ptr @state_lock)
  br label %joined
joined:
  call i32 @pthread_mutex_unlock(ptr @launch_lock)
  atomicrmw add ptr @stat_parallel, i64 1 monotonic
  br label %return
return:
  ret void
}

; fn(ctx, begin, end) over chunk %idx: [lb + idx*span, min(ub, lb + (idx+1)*span)).
define internal void @run_chunk(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %span, i64 %idx) {
entry:
  %offset = mul i64 %idx, %span
  %begin = add i64 %lb, %offset
  %end_raw = add i64 %begin, %span
  %past = icmp sgt i64 %end_raw, %ub
  %end = select i1 %past, i64 %ub, i64 %end_raw
  call void %fn(ptr %ctx, i64 %begin, i64 %end)
  ret void
}

; The next unclaimed chunk of job %job (< %chunks), or -1 when the job has none left or is
; over. The job number in @claim keeps a late worker from claiming a chunk of a newer job.
define internal i64 @claim_chunk(i64 %job, i64 %chunks) nounwind {
entry:
  br label %try
try:
  %current = load atomic i64, ptr @claim acquire, align 8
  %current_job = lshr i64 %current, 16
  %same_job = icmp eq i64 %current_job, %job
  br i1 %same_job, label %check, label %none
check:
  %idx = and i64 %current, 65535
  %left = icmp slt i64 %idx, %chunks
  br i1 %left, label %swap, label %none
swap:
  %next = add i64 %current, 1
  %result = cmpxchg ptr @claim, i64 %current, i64 %next acq_rel acquire
  %won = extractvalue { i64, i1 } %result, 1
  br i1 %won, label %got, label %try
got:
  ret i64 %idx
none:
  ret i64 -1
}

; Worker %arg (its index w, 1-based): wait for @pending[w] (spinning a little, then asleep on
; @wake), read the job through the seqlock @job_seq, claim and run its chunks, signal @done
; after the last chunk of the job.
define internal ptr @worker(ptr %arg) {
entry:
  %w = ptrtoint ptr %arg to i64
  %slot = getelementptr [256 x i64], ptr @pending, i64 0, i64 %w
  br label %idle
idle:
  br label %spin
spin:
  %k = phi i64 [ 0, %idle ], [ %k_next, %spin_more ]
  %flag = load atomic i64, ptr %slot seq_cst, align 8
  %has = icmp ne i64 %flag, 0
  br i1 %has, label %take, label %spin_more
spin_more:
  call void @spin_hint()
  %k_next = add i64 %k, 1
  %limit_k = load i64, ptr @spin_limit, align 8
  %tired = icmp sge i64 %k_next, %limit_k
  br i1 %tired, label %block, label %spin
block:
  ; asleep: counted in @sleepers, waiting under @state_lock (see wake_check in the caller)
  call i32 @pthread_mutex_lock(ptr @state_lock)
  atomicrmw add ptr @sleepers, i64 1 seq_cst
  br label %wait
wait:
  %flag2 = load atomic i64, ptr %slot seq_cst, align 8
  %has2 = icmp ne i64 %flag2, 0
  br i1 %has2, label %woken, label %sleep
sleep:
  call i32 @pthread_cond_wait(ptr @wake, ptr @state_lock)
  br label %wait
woken:
  atomicrmw sub ptr @sleepers, i64 1 seq_cst
  call i32 @pthread_mutex_unlock(ptr @state_lock)
  br label %take
take:
  ; clear the flag before reading the job: a flag set later comes with a newer job
  atomicrmw xchg ptr %slot, i64 0 seq_cst
  br label %read
read:
  %seq1 = load atomic i64, ptr @job_seq seq_cst, align 8
  %odd = and i64 %seq1, 1
  %writing = icmp ne i64 %odd, 0
  br i1 %writing, label %retry, label %fields
retry:
  call void @spin_hint()
  br label %read
fields:
  %fn = load atomic ptr, ptr @job_fn monotonic, align 8
  %ctx = load atomic ptr, ptr @job_ctx monotonic, align 8
  %lb = load atomic i64, ptr @job_lb monotonic, align 8
  %ub = load atomic i64, ptr @job_ub monotonic, align 8
  %span = load atomic i64, ptr @job_span monotonic, align 8
  %chunks = load atomic i64, ptr @job_chunks monotonic, align 8
  fence acquire
  %seq2 = load atomic i64, ptr @job_seq monotonic, align 8
  %stable = icmp eq i64 %seq1, %seq2
  br i1 %stable, label %claim_start, label %retry
claim_start:
  %job = lshr i64 %seq1, 1
  br label %claim
claim:
  ; the job number in @claim makes a stale read harmless: it claims nothing
  %idx = call i64 @claim_chunk(i64 %job, i64 %chunks)
  %claimed = icmp sge i64 %idx, 0
  br i1 %claimed, label %run, label %idle
run:
  call void @run_chunk(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %span, i64 %idx)
  atomicrmw add ptr @stat_worker_chunks, i64 1 monotonic
  %before = atomicrmw sub ptr @remaining, i64 1 acq_rel
  %last = icmp eq i64 %before, 1
  br i1 %last, label %signal, label %claim
signal:
  call i32 @pthread_mutex_lock(ptr @state_lock)
  call i32 @pthread_cond_signal(ptr @done)
  call i32 @pthread_mutex_unlock(ptr @state_lock)
  br label %claim
}
