//! Edge tagging on the Istio ingress gateway as a proxy-wasm module (ABI v0.2.1): the same
//! behaviour as istio/lua/edge-tagging.lua, case for case (both run the cases of
//! istio/lua/test/edge_tagging_cases.json).
//!
//! Request:  drop internal headers an outside caller must not choose, make sure x-request-id is
//!           usable, stamp x-edge-received-at (ms since epoch) and derive x-migration-cohort from
//!           the strangler_cohort cookie.
//! Response: add x-edge-duration-ms.
//!
//! The stripping step fails closed (a 400 problem+json local reply), the tagging steps fail open
//! (a warning, the request continues), as in the Lua filter. A trap would fail every request of
//! the worker, so the module never traps on any input: it is `no_std` with no allocator of its
//! own besides a bounded arena for what the host hands over, it never indexes without a bound
//! check, and it checks the status of every host call.
//!
//! Built by istio/wasm/build.sh (called from `mvn verify`); never committed as a binary.

#![no_std]

use core::arch::wasm32;

// ---------------------------------------------------------------------------------------------
// The host's functions (proxy-wasm ABI v0.2.1, module "env")
// ---------------------------------------------------------------------------------------------

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_log(level: u32, message: *const u8, message_size: usize) -> u32;
    fn proxy_get_current_time_nanoseconds(return_time: *mut u64) -> u32;
    fn proxy_get_property(path: *const u8, path_size: usize, return_value: *mut *mut u8, return_size: *mut usize) -> u32;
    fn proxy_get_header_map_pairs(map_type: u32, return_pairs: *mut *mut u8, return_size: *mut usize) -> u32;
    fn proxy_add_header_map_value(map_type: u32, key: *const u8, key_size: usize, value: *const u8, value_size: usize) -> u32;
    fn proxy_remove_header_map_value(map_type: u32, key: *const u8, key_size: usize) -> u32;
    #[allow(clippy::too_many_arguments)]
    fn proxy_send_local_response(
        status_code: u32,
        details: *const u8,
        details_size: usize,
        body: *const u8,
        body_size: usize,
        headers: *const u8,
        headers_size: usize,
        grpc_status: i32,
    ) -> u32;
}

const OK: u32 = 0;

const REQUEST_HEADERS: u32 = 0;
const RESPONSE_HEADERS: u32 = 2;

const ACTION_CONTINUE: u32 = 0;
const ACTION_PAUSE: u32 = 1;

const LOG_DEBUG: u32 = 1;
const LOG_WARN: u32 = 3;
const LOG_ERROR: u32 = 4;

// ---------------------------------------------------------------------------------------------
// Memory: the host copies header maps and properties into buffers it asks us for. They live in
// an arena that is emptied when the outermost callback returns, and the arena never grows past
// ARENA_LIMIT: a request whose headers do not fit is refused (the host reports the failed
// allocation as an error status), never answered with a trap. Envoy's own ceiling for request
// headers is 8 MiB (max_request_headers_kb), so 24 MiB leaves room for its serialisation.
// ---------------------------------------------------------------------------------------------

const PAGE: usize = 65_536;
const ARENA_LIMIT: usize = 24 << 20;

struct Arena {
    start: usize,
    top: usize,
    end: usize,
}

static mut ARENA: Arena = Arena { start: 0, top: 0, end: 0 };
static mut CALLBACK_DEPTH: u32 = 0;

fn arena_alloc(size: usize) -> *mut u8 {
    // Safety: the module is single-threaded (one VM per Envoy worker thread).
    let arena = unsafe { &mut *core::ptr::addr_of_mut!(ARENA) };
    if arena.start == 0 {
        let pages = wasm32::memory_size(0);
        arena.start = pages * PAGE;
        arena.top = arena.start;
        arena.end = arena.start;
    }
    let aligned = match arena.top.checked_add(7) {
        Some(v) => v & !7,
        None => return core::ptr::null_mut(),
    };
    let new_top = match aligned.checked_add(size) {
        Some(v) => v,
        None => return core::ptr::null_mut(),
    };
    if new_top - arena.start > ARENA_LIMIT {
        return core::ptr::null_mut();
    }
    if new_top > arena.end {
        let pages = (new_top - arena.end + PAGE - 1) / PAGE;
        if wasm32::memory_grow(0, pages) == usize::MAX {
            return core::ptr::null_mut();
        }
        arena.end += pages * PAGE;
    }
    arena.top = new_top;
    aligned as *mut u8
}

/// Runs one callback; the arena is emptied when the outermost one returns, so a host that
/// calls back into the module while it runs cannot free what the outer callback still reads.
fn callback<T>(body: impl FnOnce() -> T) -> T {
    unsafe { CALLBACK_DEPTH += 1 };
    let result = body();
    unsafe {
        CALLBACK_DEPTH -= 1;
        if CALLBACK_DEPTH == 0 {
            let arena = &mut *core::ptr::addr_of_mut!(ARENA);
            arena.top = arena.start;
        }
    }
    result
}

#[no_mangle]
pub extern "C" fn proxy_on_memory_allocate(size: usize) -> *mut u8 {
    arena_alloc(size)
}

/// A buffer the host filled, as a slice (empty when the host returned nothing).
fn host_bytes<'a>(data: *mut u8, size: usize) -> &'a [u8] {
    if data.is_null() || size == 0 {
        &[]
    } else {
        // Safety: the host wrote `size` bytes at `data`, which it obtained from
        // proxy_on_memory_allocate; the arena keeps them until the callback returns.
        unsafe { core::slice::from_raw_parts(data, size) }
    }
}

// ---------------------------------------------------------------------------------------------
// Small fixed buffers for the values the module writes (ids, numbers, log lines)
// ---------------------------------------------------------------------------------------------

struct Text<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Text<N> {
    fn new() -> Self {
        Text { bytes: [0; N], len: 0 }
    }

    /// Appends what fits; a log line longer than the buffer is cut, never overflowed.
    fn push(&mut self, s: &[u8]) -> &mut Self {
        for &b in s {
            if self.len < N {
                self.bytes[self.len] = b;
                self.len += 1;
            }
        }
        self
    }

    fn push_u64(&mut self, mut v: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.push(&digits[i..])
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

fn log(level: u32, message: &[u8]) {
    // A failed log call has nowhere better to be reported.
    unsafe {
        proxy_log(level, message.as_ptr(), message.len());
    }
}

/// "event=<event> error=<call> returned <status>" (or "... returned malformed pairs"), the shape of the Lua
/// filter's log lines.
fn log_failure(level: u32, event: &[u8], error: &HostError) {
    let mut line = Text::<160>::new();
    line.push(b"event=").push(event).push(b" error=").push(error.call).push(b" returned ");
    match error.status {
        MALFORMED => line.push(b"malformed pairs"),
        status => line.push_u64(status as u64),
    };
    log(level, line.as_slice());
}

/// A host call that did not return Ok: which call, and its status (or MALFORMED).
struct HostError {
    call: &'static [u8],
    status: u32,
}

/// Not a proxy-wasm status: the call returned Ok, but its result could not be parsed.
const MALFORMED: u32 = u32::MAX;

fn check(call: &'static [u8], status: u32) -> Result<(), HostError> {
    if status == OK {
        Ok(())
    } else {
        Err(HostError { call, status })
    }
}

// ---------------------------------------------------------------------------------------------
// Host calls
// ---------------------------------------------------------------------------------------------

fn now_ms() -> Result<u64, HostError> {
    let mut nanos: u64 = 0;
    check(b"proxy_get_current_time_nanoseconds", unsafe { proxy_get_current_time_nanoseconds(&mut nanos) })?;
    Ok(nanos / 1_000_000)
}

fn header_pairs<'a>(map: u32) -> Result<Pairs<'a>, HostError> {
    let mut data: *mut u8 = core::ptr::null_mut();
    let mut size: usize = 0;
    check(b"proxy_get_header_map_pairs", unsafe { proxy_get_header_map_pairs(map, &mut data, &mut size) })?;
    Pairs::parse(host_bytes(data, size)).ok_or(HostError { call: b"proxy_get_header_map_pairs", status: MALFORMED })
}

fn remove_header(map: u32, name: &[u8]) -> Result<(), HostError> {
    check(b"proxy_remove_header_map_value", unsafe { proxy_remove_header_map_value(map, name.as_ptr(), name.len()) })
}

fn add_header(map: u32, name: &[u8], value: &[u8]) -> Result<(), HostError> {
    check(b"proxy_add_header_map_value", unsafe {
        proxy_add_header_map_value(map, name.as_ptr(), name.len(), value.as_ptr(), value.len())
    })
}

/// Envoy's proxy_replace_header_map_value changes only the first of repeated values, so a single
/// value is set by remove plus add.
fn set_single(map: u32, name: &[u8], value: &[u8]) -> Result<(), HostError> {
    remove_header(map, name)?;
    add_header(map, name, value)
}

fn property<'a>(path: &[u8]) -> Result<&'a [u8], HostError> {
    let mut data: *mut u8 = core::ptr::null_mut();
    let mut size: usize = 0;
    check(b"proxy_get_property", unsafe { proxy_get_property(path.as_ptr(), path.len(), &mut data, &mut size) })?;
    Ok(host_bytes(data, size))
}

// ---------------------------------------------------------------------------------------------
// Header pairs as the host serialises them: u32 count, count x (u32 name size, u32 value size),
// then every name and value followed by a NUL byte. Parsed in place, every bound checked.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Pairs<'a> {
    count: usize,
    data: &'a [u8],
}

fn read_u32(data: &[u8], at: usize) -> Option<usize> {
    let end = at.checked_add(4)?;
    let b = data.get(at..end)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

impl<'a> Pairs<'a> {
    fn parse(data: &'a [u8]) -> Option<Pairs<'a>> {
        if data.is_empty() {
            return Some(Pairs { count: 0, data });
        }
        let count = read_u32(data, 0)?;
        let sizes_end = count.checked_mul(8)?.checked_add(4)?;
        if sizes_end > data.len() {
            return None;
        }
        let pairs = Pairs { count, data };
        // Walk once so that iteration afterwards cannot meet a bad bound.
        let mut total = sizes_end;
        for i in 0..count {
            let name = read_u32(data, 4 + i * 8)?;
            let value = read_u32(data, 8 + i * 8)?;
            total = total.checked_add(name)?.checked_add(value)?.checked_add(2)?;
        }
        if total > data.len() {
            return None;
        }
        Some(pairs)
    }

    fn iter(&self) -> PairIter<'a> {
        PairIter { pairs: *self, index: 0, offset: 4 + self.count * 8 }
    }
}

struct PairIter<'a> {
    pairs: Pairs<'a>,
    index: usize,
    offset: usize,
}

impl<'a> Iterator for PairIter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.index >= self.pairs.count {
            return None;
        }
        let data = self.pairs.data;
        let name_size = read_u32(data, 4 + self.index * 8)?;
        let value_size = read_u32(data, 8 + self.index * 8)?;
        let name = data.get(self.offset..self.offset + name_size)?;
        let value_start = self.offset + name_size + 1;
        let value = data.get(value_start..value_start + value_size)?;
        self.offset = value_start + value_size + 1;
        self.index += 1;
        Some((name, value))
    }
}

// ---------------------------------------------------------------------------------------------
// The rules (each mirrors the function of the same name in edge-tagging.lua)
// ---------------------------------------------------------------------------------------------

/// Outside callers may not set these; the gateway and the mesh set them.
const INTERNAL_PREFIXES: [&[u8]; 4] = [b"x-strangler-", b"x-edge-", b"x-dapr-", b"dapr-"];
const INTERNAL_NAMES: [&[u8]; 1] = [b"x-migration-cohort"];

const REQUEST_ID: &[u8] = b"x-request-id";
const RECEIVED_AT: &[u8] = b"x-edge-received-at";
const COHORT_HEADER: &[u8] = b"x-migration-cohort";
const DURATION: &[u8] = b"x-edge-duration-ms";
const COOKIE: &[u8] = b"cookie";
const COHORT_COOKIE: &[u8] = b"strangler_cohort";
const MAX_COHORT_LENGTH: usize = 64;
const MAX_REQUEST_ID_LENGTH: usize = 128;

fn starts_with_ignore_case(name: &[u8], prefix: &[u8]) -> bool {
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn is_internal(name: &[u8]) -> bool {
    INTERNAL_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
        || INTERNAL_PREFIXES.iter().any(|p| starts_with_ignore_case(name, p))
}

/// Removes every internal header; the count of entries removed, or the call that failed.
fn strip_internal_headers(pairs: &Pairs) -> Result<u64, HostError> {
    let mut removed = 0u64;
    for (name, _) in pairs.iter() {
        if is_internal(name) {
            // The pairs are our own copy, so removing while walking them is safe.
            remove_header(REQUEST_HEADERS, name)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn usable_request_id(pairs: &Pairs) -> bool {
    let mut found: Option<&[u8]> = None;
    for (name, value) in pairs.iter() {
        if name.eq_ignore_ascii_case(REQUEST_ID) {
            if found.is_some() {
                return false;
            }
            found = Some(value);
        }
    }
    match found {
        Some(id) => {
            !id.is_empty()
                && id.len() <= MAX_REQUEST_ID_LENGTH
                && id.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        }
        None => false,
    }
}

/// The gateway draws cohort keys itself, so anything that does not look like one is ignored
/// rather than passed on as a routing key.
fn valid_cohort(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= MAX_COHORT_LENGTH
        && value.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Lua's %s (C isspace).
fn is_lua_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The Lua filter's trim, byte for byte: leading %s, trailing spaces and tabs.
fn trim(s: &[u8]) -> &[u8] {
    let first = match s.iter().position(|&b| !is_lua_space(b)) {
        Some(i) => i,
        None => return &[],
    };
    let mut last = s.len() - 1;
    while last > first && (s[last] == b' ' || s[last] == b'\t') {
        last -= 1;
    }
    &s[first..=last]
}

fn cohort_from_cookies<'a>(pairs: &Pairs<'a>) -> Option<&'a [u8]> {
    for (name, line) in pairs.iter() {
        if !name.eq_ignore_ascii_case(COOKIE) {
            continue;
        }
        for pair in line.split(|&b| b == b';').filter(|p| !p.is_empty()) {
            let eq = match pair.iter().position(|&b| b == b'=') {
                Some(i) => i,
                None => continue,
            };
            if trim(&pair[..eq]) != COHORT_COOKIE {
                continue;
            }
            let mut value = trim(&pair[eq + 1..]);
            if value.len() >= 2 && value[0] == b'"' && value[value.len() - 1] == b'"' {
                value = &value[1..value.len() - 1];
            }
            if valid_cohort(value) {
                return Some(value);
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Request ids: UUID v7 (the time first, then random bits). The generator is seeded once per VM
// (one per worker) from the first stream's time and peer address, as the Lua filter seeds
// math.random, and is advanced by every id.
// ---------------------------------------------------------------------------------------------

static mut RANDOM_STATE: u64 = 0;

fn seed_once(now: u64) {
    unsafe {
        if RANDOM_STATE != 0 {
            return;
        }
        let mut mix = now ^ 0x9e37_79b9_7f4a_7c15;
        // Without the address the time alone seeds; the id stays well-formed either way.
        if let Ok(address) = property(b"source\0address") {
            for &b in address {
                mix = mix.wrapping_mul(31).wrapping_add(b as u64);
            }
        }
        RANDOM_STATE = if mix == 0 { 1 } else { mix };
    }
}

/// splitmix64: every state gives a different output, so two ids of one worker never collide
/// before 2^64 draws.
fn next_random() -> u64 {
    unsafe {
        RANDOM_STATE = RANDOM_STATE.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = RANDOM_STATE;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut Text<36>, value: u64, digits: u32) {
    for i in (0..digits).rev() {
        out.push(&[HEX[((value >> (i * 4)) & 0xf) as usize]]);
    }
}

fn new_request_id(now: u64) -> Text<36> {
    seed_once(now);
    let ms = now & 0xffff_ffff_ffff;
    let a = next_random();
    let b = next_random();
    let mut id = Text::<36>::new();
    push_hex(&mut id, ms >> 16, 8);
    id.push(b"-");
    push_hex(&mut id, ms & 0xffff, 4);
    id.push(b"-7");
    push_hex(&mut id, a & 0xfff, 3);
    id.push(b"-");
    push_hex(&mut id, 8 + ((a >> 12) & 0x3), 1);
    push_hex(&mut id, (a >> 14) & 0xfff, 3);
    id.push(b"-");
    push_hex(&mut id, b & 0xffff_ffff_ffff, 12);
    id
}

// ---------------------------------------------------------------------------------------------
// Per-stream state: the received-at time, for the response's duration. A fixed table indexed
// by context id (Envoy numbers contexts in sequence); a slot holds the stream that owns it, so
// when more streams than slots are open at once the oldest loses its duration header, never
// another stream's.
// ---------------------------------------------------------------------------------------------

const SLOTS: usize = 8192;

#[derive(Clone, Copy)]
struct Slot {
    context: u32,
    received_at: u64,
}

static mut RECEIVED: [Slot; SLOTS] = [Slot { context: 0, received_at: 0 }; SLOTS];

fn slot(context: u32) -> &'static mut Slot {
    unsafe { &mut (*core::ptr::addr_of_mut!(RECEIVED))[context as usize % SLOTS] }
}

fn remember_received(context: u32, now: u64) {
    *slot(context) = Slot { context, received_at: now };
}

fn received_at(context: u32) -> Option<u64> {
    let s = slot(context);
    if s.context == context && context != 0 {
        Some(s.received_at)
    } else {
        None
    }
}

fn forget(context: u32) {
    let s = slot(context);
    if s.context == context {
        *s = Slot { context: 0, received_at: 0 };
    }
}

// ---------------------------------------------------------------------------------------------
// The callbacks
// ---------------------------------------------------------------------------------------------

const PROBLEM_BODY: &[u8] =
    br#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"request headers could not be checked"}"#;

/// The local reply's headers, serialised as pairs: one content-type header.
const PROBLEM_HEADERS: &[u8] = b"\x01\x00\x00\x00\x0c\x00\x00\x00\x18\x00\x00\x00content-type\x00application/problem+json\x00";

fn refuse(error: &HostError) -> u32 {
    log_failure(LOG_ERROR, b"edge_strip_failed", error);
    let details = b"edge_strip_failed";
    let status = unsafe {
        proxy_send_local_response(
            400,
            details.as_ptr(),
            details.len(),
            PROBLEM_BODY.as_ptr(),
            PROBLEM_BODY.len(),
            PROBLEM_HEADERS.as_ptr(),
            PROBLEM_HEADERS.len(),
            -1,
        )
    };
    if status != OK {
        log_failure(LOG_ERROR, b"edge_local_reply_failed", &HostError { call: b"proxy_send_local_response", status });
    }
    // Never forwarded unstripped: the stream stays stopped even if the reply could not be sent.
    ACTION_PAUSE
}

fn tag_request(context: u32, pairs: &Pairs) -> Result<(), HostError> {
    let now = now_ms()?;
    if !usable_request_id(pairs) {
        let id = new_request_id(now);
        set_single(REQUEST_HEADERS, REQUEST_ID, id.as_slice())?;
    }
    let mut stamp = Text::<20>::new();
    stamp.push_u64(now);
    set_single(REQUEST_HEADERS, RECEIVED_AT, stamp.as_slice())?;
    remember_received(context, now);
    if let Some(cohort) = cohort_from_cookies(pairs) {
        set_single(REQUEST_HEADERS, COHORT_HEADER, cohort)?;
    }
    Ok(())
}

fn on_request_headers(context: u32) -> u32 {
    forget(context);
    let pairs = match header_pairs(REQUEST_HEADERS) {
        Ok(p) => p,
        Err(e) => return refuse(&e),
    };
    match strip_internal_headers(&pairs) {
        Ok(0) => {}
        Ok(removed) => {
            let mut line = Text::<80>::new();
            line.push(b"event=edge_internal_headers_stripped count=").push_u64(removed);
            log(LOG_DEBUG, line.as_slice());
        }
        Err(e) => return refuse(&e),
    }
    if let Err(e) = tag_request(context, &pairs) {
        log_failure(LOG_WARN, b"edge_tagging_failed", &e);
    }
    ACTION_CONTINUE
}

fn tag_response(context: u32) -> Result<(), HostError> {
    let received = match received_at(context) {
        Some(r) => r,
        None => return Ok(()),
    };
    let elapsed = now_ms()?.saturating_sub(received);
    let mut text = Text::<20>::new();
    text.push_u64(elapsed);
    set_single(RESPONSE_HEADERS, DURATION, text.as_slice())
}

#[no_mangle]
pub extern "C" fn proxy_abi_version_0_2_1() {}

#[no_mangle]
pub extern "C" fn proxy_on_context_create(_context: u32, _parent: u32) {}

#[no_mangle]
pub extern "C" fn proxy_on_vm_start(_root: u32, _vm_configuration_size: usize) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_configure(_root: u32, _plugin_configuration_size: usize) -> u32 {
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_request_headers(context: u32, _headers: usize, _end_of_stream: u32) -> u32 {
    callback(|| on_request_headers(context))
}

#[no_mangle]
pub extern "C" fn proxy_on_response_headers(context: u32, _headers: usize, _end_of_stream: u32) -> u32 {
    callback(|| {
        if let Err(e) = tag_response(context) {
            log_failure(LOG_WARN, b"edge_duration_failed", &e);
        }
        ACTION_CONTINUE
    })
}

#[no_mangle]
pub extern "C" fn proxy_on_done(context: u32) -> u32 {
    callback(|| forget(context));
    1
}

#[no_mangle]
pub extern "C" fn proxy_on_delete(context: u32) {
    callback(|| forget(context));
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // Unreachable by construction (no unchecked index, no unwrap); a trap is the only way out.
    wasm32::unreachable()
}
