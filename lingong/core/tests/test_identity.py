import datetime as dt

import pytest

from lingong.core.identity import (
    InvalidIdentity,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_phone,
    validate_resident_id,
)


def _code(value: str) -> str:
    with pytest.raises(InvalidIdentity) as info:
        validate_resident_id(value, today=dt.date(2026, 11, 23))
    return info.value.code


@pytest.mark.django_db
class TestResidentId:
    def test_valid_number_gives_birth_date_region_and_sex(self) -> None:
        rid = validate_resident_id(" 11010519491231002x ")
        assert rid.number == "11010519491231002X"
        assert rid.birth_date == dt.date(1949, 12, 31)
        assert rid.region_code == "110105"
        assert rid.sex == "F"

    def test_each_kind_of_invalid_number_has_its_own_message(self) -> None:
        messages = {}
        for value in ["1101051949", "110105194913310021", "990105194912310021", "110105194912310021"]:
            with pytest.raises(InvalidIdentity) as info:
                validate_resident_id(value, today=dt.date(2026, 11, 23))
            messages[info.value.code] = info.value.message
        assert set(messages) == {
            "id_number_format",
            "id_number_birth_date",
            "id_number_region",
            "id_number_check_digit",
        }
        assert len(set(messages.values())) == 4
        assert "18位" in messages["id_number_format"]
        assert "19491331" in messages["id_number_birth_date"]
        assert "990105" in messages["id_number_region"]
        assert "校验码" in messages["id_number_check_digit"]

    def test_future_birth_date_is_impossible(self) -> None:
        assert _code("110105203001010020") == "id_number_birth_date"

    def test_february_30th_is_impossible(self) -> None:
        assert _code("110105199002300021") == "id_number_birth_date"

    def test_abolished_county_code_is_still_a_real_region(self) -> None:
        # 110103 崇文区 merged into 东城区 in 2010; people keep the ID numbers they were issued.
        from stdnum.cn import ric

        body = "11010319800101002"
        assert validate_resident_id(body + ric.calc_check_digit(body + "0")).region_code == "110103"

    def test_empty_number(self) -> None:
        assert _code("") == "id_number_required"


class TestCreditCode:
    def test_valid(self) -> None:
        assert validate_credit_code("91110108551385082q".upper()) == "91110108551385082Q"

    def test_wrong_check_digit(self) -> None:
        with pytest.raises(InvalidIdentity) as info:
            validate_credit_code("91110108551385082A")
        assert info.value.code == "credit_code_check_digit"

    def test_bad_characters(self) -> None:
        with pytest.raises(InvalidIdentity) as info:
            validate_credit_code("9111010855138508IO")
        assert info.value.code == "credit_code_format"


class TestPhoneAndMasks:
    def test_phone_normalised(self) -> None:
        assert validate_phone("+86 138-1234-5678") == "13812345678"

    def test_landline_rejected(self) -> None:
        with pytest.raises(InvalidIdentity) as info:
            validate_phone("024-23456789")
        assert info.value.code == "phone_format"

    def test_masks_match_what_staff_see(self) -> None:
        assert mask_id_number("21010219900101123X") == "210102********123X"
        assert mask_phone("13812345678") == "138****5678"
