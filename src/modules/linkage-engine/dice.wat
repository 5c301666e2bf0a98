;; Dice-coefficient kernel over bit vectors (CLK Bloom-filter encodings).
;;
;; A vector is n 16-byte words (its bits zero-padded to a multiple of 128). The pool is `count` vectors laid end to
;; end at `pool`, with their popcounts as u32 at `pcs`. A query is compared with pool vectors whose popcount lies in
;; [lo, hi] (the length filter); it matches vector i when its overlap c = |q ∧ v_i| reaches need[pc_i], a u32 table
;; indexed by popcount that the caller fills with the least overlap giving Dice ≥ threshold (computed with the same
;; f64 division as below, so the integer test here and the division agree exactly). Only matches pay a division.
;; Matches are written as u32 pool index at `out_ids` and f64 Dice at `out_scores`; the count is returned.
;;
;; Popcounts use i8x16.popcnt: byte counts are summed as bytes for up to 31 words (31 · 8 < 256), then widened.
(module
  (memory (export "memory") 1)

  (func $sum_u16 (param $v v128) (result i32)
    (local $w v128)
    (local.set $w (i32x4.extadd_pairwise_i16x8_u (local.get $v)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $w)) (i32x4.extract_lane 1 (local.get $w)))
      (i32.add (i32x4.extract_lane 2 (local.get $w)) (i32x4.extract_lane 3 (local.get $w)))))

  ;; |a ∧ b| over n words; with a == b this is the popcount of a.
  (func $and_count (export "and_count") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $acc8 v128) (local $acc16 v128) (local $run i32)
    (block $done
      (loop $word
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc8
          (i8x16.add (local.get $acc8)
            (i8x16.popcnt (v128.and (v128.load (local.get $a)) (v128.load (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $run (i32.add (local.get $run) (i32.const 1)))
        (if (i32.eq (local.get $run) (i32.const 31))
          (then
            (local.set $acc16
              (i16x8.add (local.get $acc16) (i16x8.extadd_pairwise_i8x16_u (local.get $acc8))))
            (local.set $acc8 (v128.const i64x2 0 0))
            (local.set $run (i32.const 0))))
        (br $word)))
    (call $sum_u16 (i16x8.add (local.get $acc16) (i16x8.extadd_pairwise_i8x16_u (local.get $acc8)))))

  ;; Records a match when overlap $c reaches the need for popcount $pc; returns the new match count.
  (func $emit (param $i i32) (param $c i32) (param $qpc i32) (param $pc i32) (param $need i32)
              (param $out_ids i32) (param $out_scores i32) (param $found i32) (result i32)
    (if (i32.lt_u (local.get $c) (i32.load (i32.add (local.get $need) (i32.shl (local.get $pc) (i32.const 2)))))
      (then (return (local.get $found))))
    (i32.store (i32.add (local.get $out_ids) (i32.shl (local.get $found) (i32.const 2))) (local.get $i))
    (f64.store (i32.add (local.get $out_scores) (i32.shl (local.get $found) (i32.const 3)))
      (f64.div
        (f64.convert_i32_u (i32.shl (local.get $c) (i32.const 1)))
        (f64.convert_i32_u (i32.add (local.get $qpc) (local.get $pc)))))
    (i32.add (local.get $found) (i32.const 1)))

  ;; Query at $q against pool vectors [start, end), any word count.
  (func (export "match_range")
    (param $q i32) (param $qpc i32) (param $n i32) (param $pool i32) (param $pcs i32) (param $start i32)
    (param $end i32) (param $lo i32) (param $hi i32) (param $need i32) (param $out_ids i32) (param $out_scores i32)
    (result i32)
    (local $i i32) (local $pc i32) (local $bytes i32) (local $found i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 4)))
    (local.set $i (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $pc (i32.load (i32.add (local.get $pcs) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.and (i32.ge_u (local.get $pc) (local.get $lo)) (i32.le_u (local.get $pc) (local.get $hi)))
          (then
            (local.set $found
              (call $emit (local.get $i)
                (call $and_count (local.get $q)
                  (i32.add (local.get $pool) (i32.mul (local.get $i) (local.get $bytes))) (local.get $n))
                (local.get $qpc) (local.get $pc) (local.get $need) (local.get $out_ids) (local.get $out_scores)
                (local.get $found)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $found))

  ;; Query at $q against the pool vectors whose indices are the $count u32 at $list (already length-filtered).
  (func (export "match_list")
    (param $q i32) (param $qpc i32) (param $n i32) (param $pool i32) (param $pcs i32) (param $list i32)
    (param $count i32) (param $need i32) (param $out_ids i32) (param $out_scores i32) (result i32)
    (local $i i32) (local $k i32) (local $bytes i32) (local $found i32)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.load (i32.add (local.get $list) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $found
          (call $emit (local.get $i)
            (call $and_count (local.get $q)
              (i32.add (local.get $pool) (i32.mul (local.get $i) (local.get $bytes))) (local.get $n))
            (local.get $qpc)
            (i32.load (i32.add (local.get $pcs) (i32.shl (local.get $i) (i32.const 2))))
            (local.get $need) (local.get $out_ids) (local.get $out_scores) (local.get $found)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $found))

  ;; match_range for 1024-bit vectors (n = 8): the query stays in eight registers and the loop is unrolled.
  (func (export "match_range_1024")
    (param $q i32) (param $qpc i32) (param $pool i32) (param $pcs i32) (param $start i32) (param $end i32)
    (param $lo i32) (param $hi i32) (param $need i32) (param $out_ids i32) (param $out_scores i32) (result i32)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $q4 v128) (local $q5 v128) (local $q6 v128) (local $q7 v128)
    (local $i i32) (local $pc i32) (local $v i32) (local $found i32) (local $acc v128)
    (local.set $q0 (v128.load offset=0 (local.get $q)))
    (local.set $q1 (v128.load offset=16 (local.get $q)))
    (local.set $q2 (v128.load offset=32 (local.get $q)))
    (local.set $q3 (v128.load offset=48 (local.get $q)))
    (local.set $q4 (v128.load offset=64 (local.get $q)))
    (local.set $q5 (v128.load offset=80 (local.get $q)))
    (local.set $q6 (v128.load offset=96 (local.get $q)))
    (local.set $q7 (v128.load offset=112 (local.get $q)))
    (local.set $i (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $pc (i32.load (i32.add (local.get $pcs) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.and (i32.ge_u (local.get $pc) (local.get $lo)) (i32.le_u (local.get $pc) (local.get $hi)))
          (then
            (local.set $v (i32.add (local.get $pool) (i32.shl (local.get $i) (i32.const 7))))
            (local.set $acc
              (i8x16.add
                (i8x16.add
                  (i8x16.add
                    (i8x16.popcnt (v128.and (local.get $q0) (v128.load offset=0 (local.get $v))))
                    (i8x16.popcnt (v128.and (local.get $q1) (v128.load offset=16 (local.get $v)))))
                  (i8x16.add
                    (i8x16.popcnt (v128.and (local.get $q2) (v128.load offset=32 (local.get $v))))
                    (i8x16.popcnt (v128.and (local.get $q3) (v128.load offset=48 (local.get $v))))))
                (i8x16.add
                  (i8x16.add
                    (i8x16.popcnt (v128.and (local.get $q4) (v128.load offset=64 (local.get $v))))
                    (i8x16.popcnt (v128.and (local.get $q5) (v128.load offset=80 (local.get $v)))))
                  (i8x16.add
                    (i8x16.popcnt (v128.and (local.get $q6) (v128.load offset=96 (local.get $v))))
                    (i8x16.popcnt (v128.and (local.get $q7) (v128.load offset=112 (local.get $v))))))))
            (local.set $found
              (call $emit (local.get $i)
                (call $sum_u16 (i16x8.extadd_pairwise_i8x16_u (local.get $acc)))
                (local.get $qpc) (local.get $pc) (local.get $need) (local.get $out_ids) (local.get $out_scores)
                (local.get $found)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $found)))
