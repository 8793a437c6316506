package dev.migrationpanel.security;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ApiTokenRepository extends JpaRepository<ApiToken, Long> {

    @Query("select t from ApiToken t join fetch t.user where t.tokenHash = :hash")
    Optional<ApiToken> findByHashWithUser(@Param("hash") String tokenHash);

    @Query("select t from ApiToken t where t.user.id = :userId order by t.createdAt desc, t.id desc")
    List<ApiToken> findForUser(@Param("userId") Long userId);
}
