// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title PatientVault consent rules
/// @notice Who may do what with a patient's record, decided from this contract's storage alone.
/// Every node runs it on its embedded EVM (docs/evm.md, "The consent contract"): the ledger calls
/// `anchorRecord`, `grant` and `revoke` for the record-anchor, consent-grant and consent-revoke
/// transactions with `msg.sender` set to the signer's identity address, `setMember` when the
/// consortium's membership changes, `forgetRecord` and `forgetConsent` when a record is erased,
/// and `decide` (a static call) for every read of a record.
///
/// Identities are addresses: keccak256("pv-identity-v1:" || DID)[12:] for people and
/// organizations alike. Categories are keccak256 of their name. Purposes of use are bits: bit i
/// is the i-th code of the ledger's sorted vocabulary. Actions are the FHIR consent-action bits
/// (collect 1, access 2, use 4, disclose 8, correct 16). Times are Unix milliseconds.
///
/// The native rules (src/ledger/consent_contract.cpp) are the reference: a test runs both on the
/// same ledger histories and requires the same decisions.
contract ConsentRules {
    /// The ledger itself: the only caller allowed to change membership or forget a record or a
    /// consent.
    address public constant LEDGER = address(0x7076);

    uint8 constant GRANTEE_PERSON = 1;
    uint8 constant GRANTEE_ORGANIZATION = 2;
    uint8 constant SCOPE_RECORDS = 1;
    uint8 constant SCOPE_CATEGORY = 2;
    uint8 constant ACTION_ACCESS = 2;
    /// The purpose bit of ETREAT (emergency treatment), the only purpose of a break-glass read.
    uint64 constant PURPOSE_ETREAT = 1 << 3;

    // Decision bases (AccessBasis in the ledger).
    uint8 constant BASIS_NONE = 0;
    uint8 constant BASIS_PATIENT = 1;
    uint8 constant BASIS_AUTHOR = 2;
    uint8 constant BASIS_CONSENT = 3;
    uint8 constant BASIS_EMERGENCY = 4;

    // Why a read is refused; the ledger turns each into a sentence for the reader.
    uint8 constant REFUSED_UNKNOWN_PURPOSE = 1;
    uint8 constant REFUSED_NO_RECORD = 2;
    uint8 constant REFUSED_NOT_MEMBER = 3; // detail: index of the organization in `organizations`
    uint8 constant REFUSED_BY_CONSENT = 4; // consent: the closest match; detail: its stage
    uint8 constant REFUSED_EMERGENCY_PURPOSE = 5;
    uint8 constant REFUSED_EMERGENCY_ACTION = 6;
    uint8 constant REFUSED_EMERGENCY_ORGANIZATION = 7;
    uint8 constant REFUSED_NO_CONSENT = 8;

    // How far a consent got towards matching a request (the furthest one explains a refusal).
    uint8 constant STAGE_SCOPE = 0;
    uint8 constant STAGE_ACTION = 1;
    uint8 constant STAGE_PURPOSE = 2;
    uint8 constant STAGE_REVOKED = 3;
    uint8 constant STAGE_NOT_YET = 4;
    uint8 constant STAGE_EXPIRED = 5; // reported as stage 4 with this detail
    uint8 constant STAGE_PERMITS = 6;

    struct Record {
        address patient;
        address author;
        bytes32 category;
    }

    struct Consent {
        address patient;
        address grantee;
        uint8 scope;
        uint8 actions;
        bool revoked;
        uint64 purposes;
        uint64 notBefore;
        uint64 notAfter;
        uint64 revokedHeight;
        bytes32 category;
    }

    /// What a grant says (besides the records it covers).
    struct Terms {
        address grantee;
        uint8 granteeKind;
        uint8 scope;
        bytes32 category; // keccak256 of the category name (scope category)
        uint8 actions;
        uint64 purposes;
        uint64 notBefore;
        uint64 notAfter;
    }

    /// What `decide` answers.
    struct Decision {
        bool permitted;
        uint8 basis;
        bytes32 consent; // the basis consent, or the closest consent of a refusal
        uint256 via; // permitted: 0 the reader itself, i+1 organizations[i]
        uint8 reason; // refused: REFUSED_*
        uint256 detail;
    }

    mapping(bytes32 => Record) private records;
    mapping(bytes32 => Consent) private consents;
    mapping(bytes32 => mapping(bytes32 => bool)) private covers; // consent => record => in scope
    mapping(address => mapping(address => bytes32[])) private pairConsents; // patient => grantee
    mapping(address => bool) public isMember;

    event RecordAnchored(bytes32 indexed record, address indexed patient, address indexed author);
    event ConsentGranted(bytes32 indexed consent, address indexed patient, address indexed grantee);
    event ConsentRevoked(bytes32 indexed consent, address indexed patient);
    event MembershipChanged(address indexed organization, bool member);

    error NotLedger();
    error RecordExists(bytes32 record);
    error OwnConsent();
    error NotMember(address organization);
    error AlreadyEnded();
    error NoRecord(bytes32 record);
    error NotPatientsRecord(bytes32 record);
    error OtherCategory(bytes32 record);
    error EmptyConsent();
    error ConsentExists(bytes32 consent);
    error NoConsent(bytes32 consent);
    error NotGrantor(bytes32 consent);
    error AlreadyRevoked(bytes32 consent);

    /// The ledger records a member organization joining (true) or leaving (false).
    function setMember(address organization, bool member) external {
        if (msg.sender != LEDGER) revert NotLedger();
        isMember[organization] = member;
        emit MembershipChanged(organization, member);
    }

    /// The ledger erases `record` (docs/erasure.md): its patient, author and category go, and so
    /// does its place in each records consent of `consentIds` (the patient's consents that named
    /// it). Deleting what is already zero changes nothing, so extra or repeated ids are harmless.
    /// No event: logs are not kept by the ledger, and one would only say the record existed.
    function forgetRecord(bytes32 record, bytes32[] calldata consentIds) external {
        if (msg.sender != LEDGER) revert NotLedger();
        delete records[record];
        for (uint256 i = 0; i < consentIds.length; ++i) delete covers[consentIds[i]][record];
    }

    /// The ledger deletes `consent`, a records consent whose every record was erased (the
    /// ledger's state dropped it in the same transaction): its terms go, and so does its place in
    /// the patient's and grantee's list, the order of the others kept. An unknown id changes
    /// nothing.
    function forgetConsent(bytes32 consent) external {
        if (msg.sender != LEDGER) revert NotLedger();
        Consent storage c = consents[consent];
        if (c.patient == address(0)) return;
        bytes32[] storage ids = pairConsents[c.patient][c.grantee];
        uint256 n = ids.length;
        for (uint256 i = 0; i < n; ++i) {
            if (ids[i] != consent) continue;
            for (uint256 j = i + 1; j < n; ++j) ids[j - 1] = ids[j];
            ids.pop();
            break;
        }
        delete consents[consent];
    }

    /// A record anchored by its author (`msg.sender`) for `patient`.
    function anchorRecord(bytes32 record, address patient, bytes32 category) external {
        if (records[record].patient != address(0)) revert RecordExists(record);
        records[record] = Record(patient, msg.sender, category);
        emit RecordAnchored(record, patient, msg.sender);
    }

    /// A consent granted by its patient (`msg.sender`) at `nowMs` (the block time). For a
    /// records scope, `scopeRecords` are the records it covers; for a category scope, the records
    /// of the category whose keys the grant carries (each must be the patient's and of it).
    function grant(bytes32 consent, Terms calldata t, bytes32[] calldata scopeRecords, uint64 nowMs)
        external
    {
        if (t.grantee == msg.sender) revert OwnConsent();
        if (t.granteeKind == GRANTEE_ORGANIZATION && !isMember[t.grantee]) revert NotMember(t.grantee);
        if (t.notAfter <= nowMs) revert AlreadyEnded();
        if (t.actions == 0 || t.purposes == 0) revert EmptyConsent();
        if (consents[consent].patient != address(0)) revert ConsentExists(consent);
        bool byRecord = t.scope == SCOPE_RECORDS;
        for (uint256 i = 0; i < scopeRecords.length; ++i) {
            bytes32 id = scopeRecords[i];
            Record storage r = records[id];
            if (r.patient == address(0)) revert NoRecord(id);
            if (r.patient != msg.sender) revert NotPatientsRecord(id);
            if (byRecord) covers[consent][id] = true;
            else if (r.category != t.category) revert OtherCategory(id);
        }
        consents[consent] = Consent({
            patient: msg.sender,
            grantee: t.grantee,
            scope: t.scope,
            actions: t.actions,
            revoked: false,
            purposes: t.purposes,
            notBefore: t.notBefore,
            notAfter: t.notAfter,
            revokedHeight: 0,
            category: byRecord ? bytes32(0) : t.category
        });
        pairConsents[msg.sender][t.grantee].push(consent);
        emit ConsentGranted(consent, msg.sender, t.grantee);
    }

    /// The patient (`msg.sender`) revokes a consent that has not ended at `nowMs`.
    function revoke(bytes32 consent, uint64 nowMs) external {
        Consent storage c = consents[consent];
        if (c.patient == address(0)) revert NoConsent(consent);
        if (c.patient != msg.sender) revert NotGrantor(consent);
        if (c.revoked) revert AlreadyRevoked(consent);
        if (c.notAfter <= nowMs) revert AlreadyEnded();
        c.revoked = true;
        c.revokedHeight = uint64(block.number);
        emit ConsentRevoked(consent, msg.sender);
    }

    /// May `reader`, vouched for by `organizations`, perform `action` (one bit) on `record` for
    /// `purpose` (one bit; 0 for a code outside the vocabulary) at `timeMs`? With `emergency`,
    /// the reader also presents a break-glass credential issued by `emergencyOrganization`.
    function decide(
        address reader,
        address[] calldata organizations,
        bytes32 record,
        uint8 action,
        uint64 purpose,
        uint64 timeMs,
        bool emergency,
        address emergencyOrganization
    ) external view returns (Decision memory d) {
        if (purpose == 0) return refusal(REFUSED_UNKNOWN_PURPOSE, 0, bytes32(0));
        Record storage r = records[record];
        if (r.patient == address(0)) return refusal(REFUSED_NO_RECORD, 0, bytes32(0));
        if (reader == r.patient) return permit(BASIS_PATIENT, bytes32(0), 0);
        if (reader == r.author) return permit(BASIS_AUTHOR, bytes32(0), 0);

        // The grantees the reader may act as: itself, then each vouching member organization.
        // Organizations that are not members are noted first (as the native rules do).
        bool haveBest = false;
        uint8 bestStage = 0;
        uint256 bestDetail = 0;
        bytes32 bestConsent;
        uint8 bestReason = REFUSED_BY_CONSENT;
        for (uint256 o = 0; o < organizations.length; ++o) {
            if (!isMember[organizations[o]]) {
                (haveBest, bestReason, bestDetail) = (true, REFUSED_NOT_MEMBER, o);
                break;
            }
        }
        for (uint256 g = 0; g <= organizations.length; ++g) {
            address grantee = g == 0 ? reader : organizations[g - 1];
            if (g > 0 && !isMember[grantee]) continue;
            bytes32[] storage ids = pairConsents[r.patient][grantee];
            for (uint256 i = 0; i < ids.length; ++i) {
                (uint8 stage, uint8 detail) = evaluate(ids[i], record, r.category, action, purpose, timeMs);
                if (stage == STAGE_PERMITS) return permit(BASIS_CONSENT, ids[i], g);
                if (!haveBest || stage > bestStage) {
                    (haveBest, bestStage, bestReason, bestDetail, bestConsent) =
                        (true, stage, REFUSED_BY_CONSENT, detail, ids[i]);
                }
            }
        }
        if (emergency) {
            if (purpose != PURPOSE_ETREAT) return refusal(REFUSED_EMERGENCY_PURPOSE, 0, bytes32(0));
            if (action != ACTION_ACCESS) return refusal(REFUSED_EMERGENCY_ACTION, 0, bytes32(0));
            if (!isMember[emergencyOrganization]) {
                return refusal(REFUSED_EMERGENCY_ORGANIZATION, 0, bytes32(0));
            }
            return permit(BASIS_EMERGENCY, bytes32(0), 0);
        }
        if (!haveBest) return refusal(REFUSED_NO_CONSENT, 0, bytes32(0));
        return refusal(bestReason, bestDetail, bestConsent);
    }

    /// The stage `consent` reaches for the request, and the detail of a refusal at that stage.
    function evaluate(
        bytes32 id,
        bytes32 record,
        bytes32 category,
        uint8 action,
        uint64 purpose,
        uint64 timeMs
    ) private view returns (uint8 stage, uint8 detail) {
        Consent storage c = consents[id];
        bool inScope = c.scope == SCOPE_RECORDS ? covers[id][record] : c.category == category;
        if (!inScope) return (STAGE_SCOPE, STAGE_SCOPE);
        if (c.actions & action == 0) return (STAGE_ACTION, STAGE_ACTION);
        if (c.purposes & purpose == 0) return (STAGE_PURPOSE, STAGE_PURPOSE);
        if (c.revoked) return (STAGE_REVOKED, STAGE_REVOKED);
        if (timeMs < c.notBefore) return (STAGE_NOT_YET, STAGE_NOT_YET);
        if (timeMs >= c.notAfter) return (STAGE_NOT_YET, STAGE_EXPIRED);
        return (STAGE_PERMITS, 0);
    }

    function permit(uint8 basis, bytes32 consent, uint256 via) private pure returns (Decision memory d) {
        d.permitted = true;
        d.basis = basis;
        d.consent = consent;
        d.via = via;
    }

    function refusal(uint8 reason, uint256 detail, bytes32 consent) private pure returns (Decision memory d) {
        d.reason = reason;
        d.detail = detail;
        d.consent = consent;
    }
}
