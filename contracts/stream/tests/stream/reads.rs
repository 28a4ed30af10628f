//! Read-only functions: `get_stream`, `status`, `streamed`, `withdrawable`, `refundable`.

use tributary_stream::{StreamError, StreamStatus};

use crate::common::{Setup, DEPOSIT, DURATION};

#[test]
fn reads_follow_the_lifecycle() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream_with(now + 100, now + 200, now + 1_100);
    let st = &s.f.stream;
    assert_eq!(st.status(&id), StreamStatus::Pending);
    assert_eq!(
        (st.streamed(&id), st.withdrawable(&id), st.refundable(&id)),
        (0, 0, DEPOSIT)
    );
    s.f.jump(150);
    assert_eq!(st.status(&id), StreamStatus::Streaming);
    assert_eq!(st.streamed(&id), 0, "nothing before the cliff");
    s.f.jump(50);
    assert_eq!(
        st.streamed(&id),
        DEPOSIT / 10,
        "the cliff releases what vested since start"
    );
    s.f.jump(DURATION);
    assert_eq!(st.status(&id), StreamStatus::Settled);
    assert_eq!(
        (st.streamed(&id), st.withdrawable(&id), st.refundable(&id)),
        (DEPOSIT, DEPOSIT, 0)
    );
}

#[test]
fn streamed_is_floored_never_rounded_up() {
    let s = Setup::new();
    let now = s.f.now();
    let id = s.stream_of(10, now, now, now + 3);
    s.f.jump(1);
    assert_eq!(s.f.stream.streamed(&id), 3);
    s.f.jump(1);
    assert_eq!(s.f.stream.streamed(&id), 6);
}

#[test]
fn reads_of_unknown_stream_fail_typed() {
    let s = Setup::new();
    let st = &s.f.stream;
    assert_eq!(st.try_get_stream(&1), Err(Ok(StreamError::StreamNotFound)));
    assert_eq!(st.try_status(&1), Err(Ok(StreamError::StreamNotFound)));
    assert_eq!(st.try_streamed(&1), Err(Ok(StreamError::StreamNotFound)));
    assert_eq!(
        st.try_withdrawable(&1),
        Err(Ok(StreamError::StreamNotFound))
    );
    assert_eq!(st.try_refundable(&1), Err(Ok(StreamError::StreamNotFound)));
}
